package io.rtc2sip.media;

import static io.rtc2sip.testkit.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SdesCrypto;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.port.SrtpSuite;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.pipeline.SendPipeline;
import io.rtc2sip.codec.testing.ToneMeter;
import io.rtc2sip.media.MediaBridgeTest.RecordingRtc;
import io.rtc2sip.media.MediaBridgeTest.Tone;
import io.rtc2sip.media.srtp.SrtpKeys;
import io.rtc2sip.media.srtp.SrtpSession;
import io.rtc2sip.metrics.NodeMetrics;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.jitsi.srtp.SrtpErrorStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SRTP on the SIP leg over real UDP on loopback: the peer is a socket pair (RTP, RTCP on the next
 * port) that protects and unprotects with jitsi-srtp under the mirrored SDES keys (it sends with
 * the key the bridge was told is the peer's, and receives with the bridge's own key), as a phone
 * that read our SDP would.
 */
class SrtpMediaTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final AtomicInteger PORTS = new AtomicInteger(33000);
  private static final int PEER_SSRC = 0x5151;

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final RecordingRtc rtc = new RecordingRtc();
  private final SdesKey peerKey = SdesKey.random(new SecureRandom());
  private MediaBridge bridge;
  private DatagramSocket peer;
  private DatagramSocket peerRtcp;
  private SrtpSession peerSrtp;
  private InetSocketAddress local;

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
    for (AutoCloseable c : new AutoCloseable[] {peer, peerRtcp, peerSrtp}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }

  /** A bridge, a call with SRTP media of {@code suite}, and the peer holding the mirrored keys. */
  private void srtpCall(String callId, SrtpSuite suite) throws Exception {
    int min = PORTS.getAndAdd(100);
    MediaSettings settings =
        new MediaSettings("127.0.0.1", min, min + 99, Duration.ZERO, Duration.ofSeconds(1), 1);
    bridge = MediaBridge.start(KIT.system(), settings, EntityMessenger.envelopes(calls.ref()),
        (id, leg, left) -> rtc, WebRtcLegs.NONE);
    peerPair();
    local = bridge.localRtp(callId).orElseThrow();
    SdesKey ours = bridge.localSdesKey(callId).orElseThrow();
    assertEquals(ours, bridge.localSdesKey(callId).orElseThrow(), "one key per call");
    // the peer sends with its own key (in its SDP) and receives with ours (in our SDP)
    peerSrtp = new SrtpSession(SrtpKeys.fromSdes(peerKey.bytes(), ours.bytes(),
        suite.authTagBytes()), PEER_SSRC);
    NegotiatedMedia media = NegotiatedMedia.pcmu().withSrtp(true);
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(), media,
        Optional.of(new SdesCrypto(suite, peerKey)));
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "alice"), media));
  }

  /** An RTP socket with the next port free for RTCP, where the bridge sends its reports. */
  private void peerPair() throws SocketException {
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      try {
        peerRtcp = new DatagramSocket(new InetSocketAddress("127.0.0.1", rtp.getLocalPort() + 1));
        peer = rtp;
        peer.setSoTimeout(2000);
        peerRtcp.setSoTimeout(3000);
        return;
      } catch (SocketException taken) {
        rtp.close();
      }
    }
    throw new SocketException("no two neighbouring ports free");
  }

  /** The phone's G.711 packets, protected by the peer, kept for replays. */
  private final List<byte[]> sent = new ArrayList<>();

  private void protectAndSend(byte[] rtp, int off, int len) {
    SrtpSession.Packet p = new SrtpSession.Packet(len + 64);
    System.arraycopy(rtp, off, p.getBuffer(), 0, len);
    p.reset(len);
    assertTrue(peerSrtp.protectRtp(p));
    byte[] wire = Arrays.copyOf(p.getBuffer(), p.getLength());
    sent.add(wire);
    sendRaw(wire);
  }

  private void sendRaw(byte[] wire) {
    try {
      peer.send(new DatagramPacket(wire, wire.length, local));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Talks {@code frames} of 10 ms of a 1 kHz tone, paced like a phone. */
  private void talk(SendPipeline phone, Tone tone, int frames) {
    short[] frame = new short[SendPipeline.FRAME_SAMPLES];
    long start = System.nanoTime();
    for (int i = 0; i < frames; i++) {
      tone.fill(frame);
      phone.push10ms(frame);
      long due = start + (i + 1) * 10_000_000L;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
    }
  }

  private double counter(String line) {
    return NodeMetrics.get(KIT.system()).scrape().lines()
        .filter(l -> l.startsWith(line))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private double refusedSrtp() {
    return MediaBridgeTest.refused(NodeMetrics.get(KIT.system()).scrape(), "srtp");
  }

  @Test
  void srtpBothWaysCarriesTheAudioAndSrtcpIsProtected() throws Exception {
    srtpBothWays("o-srtp-80", SrtpSuite.AES_CM_128_HMAC_SHA1_80);
  }

  @Test
  void theThirtyTwoBitTagSuiteWorksToo() throws Exception {
    srtpBothWays("o-srtp-32", SrtpSuite.AES_CM_128_HMAC_SHA1_32);
  }

  private void srtpBothWays(String callId, SrtpSuite suite) throws Exception {
    srtpCall(callId, suite);
    rtc.play(Tone.of(600, 48000));
    SendPipeline phone = SendPipeline.of(G711.PCMU, PEER_SSRC, 1, 0, this::protectAndSend);
    talk(phone, Tone.of(1000, 48000), 150);
    assertEquals(CallCommand.MediaStarted.INSTANCE,
        calls.receiveMessage(Duration.ofSeconds(2)).message());
    short[] heard = rtc.lastPublished(50);
    assertTrue(ToneMeter.share(heard, 1000, 48000) > 0.9,
        "1 kHz share of what the RTC user heard: " + ToneMeter.share(heard, 1000, 48000));

    // what the phone receives is SRTP it can only read with the gateway's key: 172 bytes of
    // 20 ms G.711 plus the tag, the 600 Hz of the RTC user once decrypted
    int packets = 60;
    short[] tail = new short[40 * 160];
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    SrtpSession.Packet p = new SrtpSession.Packet(1600);
    for (int i = 0; i < packets; i++) {
      peer.receive(in);
      assertEquals(172 + suite.authTagBytes(), in.getLength(), "an SRTP packet's length");
      System.arraycopy(buf, 0, p.getBuffer(), 0, in.getLength());
      p.reset(in.getLength());
      assertEquals(SrtpErrorStatus.OK, peerSrtp.unprotectRtp(p), "packet " + i);
      assertEquals(172, p.getLength());
      if (i >= packets - 40) {
        G711.PCMU.decode(p.getBuffer(), 12, tail, (i - packets + 40) * 160, 160);
      }
    }
    assertTrue(ToneMeter.share(tail, 600, 8000) > 0.9,
        "600 Hz share of what the phone heard: " + ToneMeter.share(tail, 600, 8000));

    // RTCP goes to the next port as SRTCP: readable only with the gateway's key
    DatagramPacket report = new DatagramPacket(new byte[1500], 1500);
    peerRtcp.receive(report);
    byte[] r = Arrays.copyOf(report.getData(), report.getLength());
    SrtpSession.Packet rp = new SrtpSession.Packet(1600);
    System.arraycopy(r, 0, rp.getBuffer(), 0, r.length);
    rp.reset(r.length);
    assertTrue((r[r.length - 14] & 0x80) != 0, "the E flag of the SRTCP index: encrypted");
    assertEquals(SrtpErrorStatus.OK, peerSrtp.unprotectRtcp(rp));
    assertEquals(r.length - 14, rp.getLength(), "the SRTCP index and the 80-bit tag");
    int type = rp.getBuffer()[1] & 0xFF;
    assertTrue(type == 200 || type == 201, "a sender or receiver report: " + type);
  }

  @Test
  void aTamperedAReplayedAndAPlainPacketAreDroppedAndCounted() throws Exception {
    String callId = "o-srtp-forged";
    srtpCall(callId, SrtpSuite.AES_CM_128_HMAC_SHA1_80);
    String in = "rtc2sip_rtp_packets_total{direction=\"in\"}";
    double inBefore = counter(in);
    SendPipeline phone = SendPipeline.of(G711.PCMU, PEER_SSRC, 1, 0, this::protectAndSend);
    talk(phone, Tone.of(1000, 48000), 40);
    assertEquals(CallCommand.MediaStarted.INSTANCE,
        calls.receiveMessage(Duration.ofSeconds(2)).message());
    int genuine = sent.size();
    until(Duration.ofSeconds(2), () -> counter(in) == inBefore + genuine,
        () -> "genuine packets taken: " + (counter(in) - inBefore) + " of " + genuine);
    double before = refusedSrtp();

    byte[] tampered = Arrays.copyOf(sent.get(genuine - 1), sent.get(genuine - 1).length);
    tampered[12 + 80] ^= 0x01; // one bit of the encrypted payload
    tampered[3]++; // a sequence number not seen yet, so only the tag can tell
    sendRaw(tampered);
    sendRaw(sent.get(genuine - 2)); // a replay of a genuine packet
    byte[] plain = Arrays.copyOf(sent.get(genuine - 1), 172); // no tag: plain RTP
    plain[3] += 2;
    sendRaw(plain);

    until(Duration.ofSeconds(2), () -> refusedSrtp() == before + 3,
        () -> "refused as srtp: " + (refusedSrtp() - before));
    assertEquals(inBefore + genuine, counter(in), "none of them was taken");

    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(CallMedia.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      bridge.release(callId);
      List<String> refused = lines.list.stream().map(e -> e.getFormattedMessage())
          .filter(m -> m.startsWith("RTP refused")).toList();
      assertEquals(1, refused.size(), "one summary line: " + lines.list);
      assertTrue(refused.get(0).contains(" 3 SRTP/SRTCP that failed authentication"),
          refused.get(0));
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void theSameKeyAgainKeepsTheReplayWindowAndANewKeyReplacesTheOld() throws Exception {
    String callId = "o-srtp-rekey";
    srtpCall(callId, SrtpSuite.AES_CM_128_HMAC_SHA1_80);
    String in = "rtc2sip_rtp_packets_total{direction=\"in\"}";
    double inBefore = counter(in);
    SendPipeline phone = SendPipeline.of(G711.PCMU, PEER_SSRC, 1, 0, this::protectAndSend);
    talk(phone, Tone.of(1000, 48000), 20);
    assertEquals(CallCommand.MediaStarted.INSTANCE,
        calls.receiveMessage(Duration.ofSeconds(2)).message());
    int genuine = sent.size();
    until(Duration.ofSeconds(2), () -> counter(in) == inBefore + genuine,
        () -> "genuine packets taken: " + (counter(in) - inBefore) + " of " + genuine);

    // a re-INVITE (hold, resume, refresh) with the same key: a replay is still one
    NegotiatedMedia media = NegotiatedMedia.pcmu().withSrtp(true);
    InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
    bridge.remoteDescribed(callId, peerAddress, media,
        Optional.of(new SdesCrypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80, peerKey.copy())));
    double refusedBefore = refusedSrtp();
    talk(phone, Tone.of(1000, 48000), 10); // taken, and the new description is in place
    until(Duration.ofSeconds(2), () -> counter(in) == inBefore + sent.size(),
        () -> "packets after the same key: " + (counter(in) - inBefore) + " of " + sent.size());
    sendRaw(sent.get(0));
    until(Duration.ofSeconds(2), () -> refusedSrtp() == refusedBefore + 1,
        () -> "the replay refused: " + (refusedSrtp() - refusedBefore));

    // a new key of the peer: packets under the old one are refused, under the new one taken
    SdesKey renewed = SdesKey.random(new SecureRandom());
    bridge.remoteDescribed(callId, peerAddress, media,
        Optional.of(new SdesCrypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80, renewed)));
    SdesKey ours = bridge.localSdesKey(callId).orElseThrow();
    try (SrtpSession renewedPeer = new SrtpSession(SrtpKeys.fromSdes(renewed.bytes(),
        ours.bytes(), 10), PEER_SSRC)) {
      SrtpSession old = peerSrtp;
      peerSrtp = renewedPeer;
      double taken = counter(in);
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (counter(in) == taken && System.nanoTime() < deadline) {
        talk(phone, Tone.of(1000, 48000), 2); // until the new key is in place
      }
      assertTrue(counter(in) > taken, "packets under the new key are taken");
      peerSrtp = old;
      double refusedOld = refusedSrtp();
      talk(phone, Tone.of(1000, 48000), 2);
      until(Duration.ofSeconds(2), () -> refusedSrtp() == refusedOld + 1,
          () -> "under the old key refused: " + (refusedSrtp() - refusedOld));
    }
  }

  @Test
  void theKeyOfACallIsZeroedWhenItsMediaIsReleased() throws Exception {
    srtpCall("o-srtp-released", SrtpSuite.AES_CM_128_HMAC_SHA1_80);
    SdesKey ours = bridge.localSdesKey("o-srtp-released").orElseThrow();
    bridge.release("o-srtp-released");
    assertTrue(Arrays.equals(new byte[SdesKey.LENGTH], ours.bytes()), "zeroed");
    assertEquals("SdesKey[redacted]", ours.toString());
    assertTrue(!bridge.localSdesKey("o-srtp-released").orElseThrow().equals(ours),
        "a call that comes back gets a new key");
  }
}
