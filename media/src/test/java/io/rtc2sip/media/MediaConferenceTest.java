package io.rtc2sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.pipeline.SendPipeline;
import io.rtc2sip.codec.testing.ToneMeter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A conference in the media bridge over real UDP on loopback: the call's own SIP peer (400 Hz),
 * two added parties with media of their own (800 Hz, 1300 Hz) and the RTC user (600 Hz). Every
 * peer hears the three others and not itself; a party that leaves is heard by nobody and its port
 * is free.
 */
class MediaConferenceTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final String CALL = "o-conference";

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final MediaBridgeTest.RecordingRtc rtc = new MediaBridgeTest.RecordingRtc();
  private final List<Peer> peers = new ArrayList<>();
  private MediaBridge bridge;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @AfterEach
  void close() {
    if (bridge != null) {
      bridge.close();
      KIT.createTestProbe().expectTerminated(bridge.port(), Duration.ofSeconds(3));
    }
    peers.forEach(p -> p.socket.close());
  }

  /** A SIP peer: its socket, the bridge's port it sends to and the tone it says. */
  private final class Peer {
    final DatagramSocket socket;
    final InetSocketAddress bridgeRtp;
    final MediaBridgeTest.Tone tone;
    final SendPipeline sender;
    final short[] frame = new short[SendPipeline.FRAME_SAMPLES];
    final List<byte[]> received = new ArrayList<>();

    Peer(String key, double hz) throws Exception {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      socket.setReceiveBufferSize(1 << 20);
      bridgeRtp = bridge.localRtp(key).orElseThrow();
      bridge.remoteDescribed(key, (InetSocketAddress) socket.getLocalSocketAddress(),
          NegotiatedMedia.pcmu());
      tone = MediaBridgeTest.Tone.of(hz, 48000);
      sender = SendPipeline.of(G711.PCMU, key.hashCode(), 1, 0, (p, off, len) -> {
        try {
          socket.send(new DatagramPacket(p, off, len, bridgeRtp));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      peers.add(this);
      Thread recorder = new Thread(this::record, "peer-" + key);
      recorder.setDaemon(true);
      recorder.start();
    }

    void say10ms() {
      tone.fill(frame);
      sender.push10ms(frame);
    }

    /** The last {@code packets} packets of what reached the peer so far, decoded. */
    short[] heard(int packets) {
      List<byte[]> last;
      synchronized (received) {
        assertTrue(received.size() >= packets, "packets received: " + received.size());
        last = new ArrayList<>(received.subList(received.size() - packets, received.size()));
      }
      short[] pcm = new short[packets * 160];
      for (int i = 0; i < packets; i++) {
        G711.PCMU.decode(last.get(i), 12, pcm, i * 160, 160);
      }
      return pcm;
    }

    /** Receives until the socket closes. */
    private void record() {
      byte[] buf = new byte[1500];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      try {
        while (true) {
          socket.receive(in);
          synchronized (received) {
            received.add(Arrays.copyOf(in.getData(), in.getLength()));
          }
        }
      } catch (java.io.IOException closed) {
        // the test is over
      }
    }
  }

  /** {@code ms} of every peer's tone, paced like phones. */
  private void speak(int ms) {
    long start = System.nanoTime();
    for (int i = 0; i < ms / 10; i++) {
      peers.forEach(Peer::say10ms);
      long due = start + (i + 1) * 10_000_000L;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
    }
  }

  private static void hears(String who, short[] pcm, int rate, double[] present, double absent) {
    for (double hz : present) {
      double share = ToneMeter.share(pcm, hz, rate);
      assertTrue(share > 0.15, who + " hears " + hz + " Hz with share " + share);
    }
    double own = ToneMeter.share(pcm, absent, rate);
    assertTrue(own < 0.02, who + " must not hear " + absent + " Hz: share " + own);
  }

  /** The media bridge on RTP ports {@code min}-{@code max}, its RTC legs {@link #rtc}. */
  private void startBridge(int min, int max) throws java.io.IOException {
    MediaSettings settings = new MediaSettings("127.0.0.1", min, max, Duration.ZERO,
        Duration.ofSeconds(5), 1);
    bridge = MediaBridge.start(KIT.system(), settings, EntityMessenger.envelopes(calls.ref()),
        (callId, leg, left) -> rtc, WebRtcLegs.NONE);
  }

  @Test
  void everyPartyHearsTheOthersAndNotItselfAndALeavingPartyIsGone() throws Exception {
    startBridge(34000, 34099);
    Peer own = new Peer(CALL, 400);
    bridge.port().tell(new MediaCommand.Start(CALL, new RtcLeg("room", "alice"),
        NegotiatedMedia.pcmu()));
    rtc.play(MediaBridgeTest.Tone.of(600, 48000));
    Peer second = new Peer(CallIds.partyLeg(CALL, 2), 800);
    Peer third = new Peer(CallIds.partyLeg(CALL, 3), 1300);
    bridge.port().tell(new MediaCommand.AddParty(CALL, 2, NegotiatedMedia.pcmu()));
    bridge.port().tell(new MediaCommand.AddParty(CALL, 3, NegotiatedMedia.pcmu()));
    assertTrue(!own.bridgeRtp.equals(second.bridgeRtp) && !second.bridgeRtp.equals(
        third.bridgeRtp), "each party has a port of its own");

    speak(1500);
    hears("the call's own peer", own.heard(40), 8000, new double[] {600, 800, 1300}, 400);
    hears("party 2", second.heard(40), 8000, new double[] {400, 600, 1300}, 800);
    hears("party 3", third.heard(40), 8000, new double[] {400, 600, 800}, 1300);
    hears("the RTC user", rtc.lastPublished(50), 48000, new double[] {400, 800, 1300}, 600);

    assertEquals(6, bridge.portsInUse(), "RTP and RTCP ports in use");
    bridge.port().tell(new MediaCommand.RemoveParty(CALL, 3));
    speak(1200);
    hears("the call's own peer", own.heard(40), 8000, new double[] {600, 800}, 1300);
    hears("party 2", second.heard(40), 8000, new double[] {400, 600}, 1300);
    hears("the RTC user", rtc.lastPublished(50), 48000, new double[] {400, 800}, 1300);
    // party 3's media is gone and its port free: two legs' ports in use, not three
    assertEquals(4, bridge.portsInUse(), "RTP and RTCP ports in use");
  }

  @Test
  void theCallsEndFreesThePortOfAPartyStillInvited() throws Exception {
    startBridge(34100, 34199);
    new Peer(CALL, 400);
    bridge.port().tell(new MediaCommand.Start(CALL, new RtcLeg("room", "alice"),
        NegotiatedMedia.pcmu()));
    // party 2's offer reserved its port; it never answers, and the call hangs up
    bridge.localRtp(CallIds.partyLeg(CALL, 2)).orElseThrow();
    assertEquals(4, bridge.portsInUse(), "RTP and RTCP ports of the call and the invitation");
    bridge.port().tell(new MediaCommand.Stop(CALL));
    KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3),
        () -> {
          assertEquals(0, bridge.portsInUse(), "every port of the call free");
          return null;
        });
  }
}
