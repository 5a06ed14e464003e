package io.rtc2sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.testing.ToneMeter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ringback to a caller held ringing, over real UDP on loopback: the peer gets the 425 Hz tone
 * in the offered codec, with no media timeout while it sends nothing, until the answer's Start
 * puts the RTC user's audio in its place.
 */
class RingbackMediaTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final MediaBridgeTest.RecordingRtc rtc = new MediaBridgeTest.RecordingRtc();
  private MediaBridge bridge;
  private DatagramSocket peer;

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
    if (peer != null) {
      peer.close();
    }
  }

  /** {@code packets} RTP packets the peer receives, decoded as PCMA. */
  private short[] receive(int packets) throws Exception {
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    short[] pcm = new short[packets * 160];
    for (int i = 0; i < packets; i++) {
      peer.receive(in);
      assertEquals(8, buf[1] & 0x7F, "PCMA payload type");
      G711.PCMA.decode(buf, 12, pcm, i * 160, 160);
    }
    return pcm;
  }

  @Test
  void theCallerHearsRingbackUntilTheAnswerAndNoMediaTimeoutMeanwhile() throws Exception {
    MediaSettings settings = new MediaSettings("127.0.0.1", 33000, 33099, Duration.ofMillis(300),
        Duration.ofSeconds(1), 1);
    bridge = MediaBridge.start(KIT.system(), settings, EntityMessenger.envelopes(calls.ref()),
        (callId, leg, left) -> rtc, WebRtcLegs.NONE);
    peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    peer.setSoTimeout(2000);
    String callId = "i-ringback";
    RtcLeg leg = new RtcLeg("room", "alice");
    bridge.localRtp(callId).orElseThrow();
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcma());
    bridge.port().tell(new MediaCommand.Prepare(callId, leg,
        io.rtc2sip.actors.model.CallDirection.INBOUND));
    rtc.play(MediaBridgeTest.Tone.of(600, 48000)); // the RTC user is not bridged yet
    bridge.port().tell(new MediaCommand.Ringback(callId, NegotiatedMedia.pcma()));

    // 800 ms of the first second's tone: 425 Hz, not the RTC side's 600 Hz
    short[] ringing = receive(40);
    double share = ToneMeter.share(ringing, 425, 8000);
    assertTrue(share > 0.9, "425 Hz share of what the caller heard: " + share);
    // the peer sent nothing for longer than the media timeout: no MediaTimeout while ringing
    calls.expectNoMessage(Duration.ofMillis(500));

    bridge.port().tell(new MediaCommand.Start(callId, leg, NegotiatedMedia.pcma()));
    receive(25); // what was under way
    short[] answered = receive(40);
    double rtcShare = ToneMeter.share(answered, 600, 8000);
    assertTrue(rtcShare > 0.9, "600 Hz share after the answer: " + rtcShare);
  }
}
