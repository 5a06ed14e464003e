package io.rtc2sip.media;

import static io.rtc2sip.testkit.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.pipeline.SendPipeline;
import io.rtc2sip.codec.testing.ToneMeter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge over real UDP on loopback: a SIP-side peer socket sends and receives G.711 RTP made
 * and read by the codec pipelines; the RTC side is a recording leg. Tones go through the whole
 * chain both ways and are measured at the other end.
 */
class MediaBridgeTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final AtomicInteger PORTS = new AtomicInteger(31000);

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final RecordingRtc rtc = new RecordingRtc();
  private final AtomicInteger networkJoins = new AtomicInteger();
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
      // the port actor's name is free again once it stopped
      TestProbe<Object> watcher = KIT.createTestProbe();
      watcher.expectTerminated(bridge.port(), Duration.ofSeconds(3));
    }
    if (peer != null) {
      peer.close();
    }
  }

  private MediaBridge bridge(Duration timeout) throws Exception {
    return bridge(timeout, WebRtcLegs.NONE);
  }

  private MediaBridge bridge(Duration timeout, WebRtcLegs browsers) throws Exception {
    int min = PORTS.getAndAdd(100);
    MediaSettings settings =
        new MediaSettings("127.0.0.1", min, min + 99, timeout, Duration.ofSeconds(1), 1);
    bridge = MediaBridge.start(KIT.system(), settings, EntityMessenger.envelopes(calls.ref()),
        (callId, leg, left) -> {
          networkJoins.incrementAndGet();
          return rtc;
        }, browsers);
    peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    peer.setSoTimeout(2000);
    return bridge;
  }

  @Test
  void portLinesCarryTheCallIdWhicheverThreadLogsThem() throws Exception {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(MediaBridge.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      bridge(Duration.ZERO);
      bridge.localRtp("o-logged").orElseThrow(); // from this thread: no MDC of its own
      bridge.release("o-logged");
      java.util.List<String> about = lines.list.stream()
          .filter(e -> e.getFormattedMessage().contains("o-logged"))
          .map(e -> e.getMDCPropertyMap().get("callId")).toList();
      assertEquals(java.util.List.of("o-logged", "o-logged"), about);
      assertEquals(null, org.slf4j.MDC.get("callId"), "the caller's MDC is left as it was");
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void digitTonesFromAPhoneWithoutTelephoneEventsBecomeDtmfFacts() throws Exception {
    bridge(Duration.ZERO);
    String callId = "o-inband";
    NegotiatedMedia noEvents = new NegotiatedMedia("PCMA", 8, 8000, -1, false);
    InetSocketAddress local = bridge.localRtp(callId).orElseThrow();
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(), noEvents);
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "alice"), noEvents));
    SendPipeline phone = new SendPipeline(G711.PCMA, 8, -1, 77, 0, 0, (p, off, len) -> {
      try {
        peer.send(new DatagramPacket(p, off, len, local));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    short[] silence = new short[SendPipeline.FRAME_SAMPLES];
    long start = System.nanoTime();
    String digits = "42*";
    for (int i = 0; i < 30 * digits.length() + 30; i++) { // 300 ms per digit, then 300 ms
      if (i % 30 == 0 && i / 30 < digits.length()) {
        assertTrue(phone.sendDigit(digits.charAt(i / 30), 100));
      }
      phone.push10ms(silence);
      long due = start + (i + 1) * 10_000_000L;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
    }
    StringBuilder heard = new StringBuilder();
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (heard.length() < digits.length() && System.nanoTime() < deadline) {
      Object fact = calls.receiveMessage(Duration.ofSeconds(3)).message();
      if (fact instanceof CallCommand.MediaDtmfReceived d) {
        heard.append(d.digit());
      }
    }
    assertEquals(digits, heard.toString(), "digits the call heard as in-band tones");
  }

  @Test
  void aToneFromSipReachesTheRtcUserAndOneFromTheRtcUserReachesSip() throws Exception {
    tonesBothWays("o-tone", 48000);
  }

  @Test
  void aNarrowbandRtcLegExchangesEightKilohertzFramesWithoutResampling() throws Exception {
    // a browser leg coding at 8 kHz takes and gives G.711's own rate
    rtc.rate = 8000;
    tonesBothWays("o-narrow", 8000);
  }

  private void tonesBothWays(String callId, int rtcRate) throws Exception {
    bridge(Duration.ZERO);
    InetSocketAddress local = bridge.localRtp(callId).orElseThrow();
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcmu());
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "alice"),
        NegotiatedMedia.pcmu()));
    rtc.play(Tone.of(600, rtcRate));

    // 1.5 s of a 1 kHz tone from the SIP side, paced like a phone
    Tone tone = Tone.of(1000, 48000);
    short[] frame = new short[SendPipeline.FRAME_SAMPLES];
    SendPipeline phone = SendPipeline.of(G711.PCMU, 1234, 1, 0, (p, off, len) -> {
      try {
        peer.send(new DatagramPacket(p, off, len, local));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    byte[] buf = new byte[1500];
    long start = System.nanoTime();
    for (int i = 0; i < 150; i++) {
      tone.fill(frame);
      phone.push10ms(frame);
      long due = start + (i + 1) * 10_000_000L;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
    }
    assertEquals(CallCommand.MediaStarted.INSTANCE,
        calls.receiveMessage(Duration.ofSeconds(2)).message());

    // what the RTC user heard: the last 500 ms must be the 1 kHz tone
    short[] heard = rtc.lastPublished(50);
    assertTrue(ToneMeter.share(heard, 1000, rtcRate) > 0.9,
        "1 kHz share of what the RTC user heard: " + ToneMeter.share(heard, 1000, rtcRate));

    // what the phone hears: RTP from the bridge, decoded, carries the RTC user's 600 Hz
    int packets = 60;
    byte[][] received = new byte[packets][];
    long[] arrival = new long[packets];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    for (int i = 0; i < packets; i++) {
      peer.receive(in);
      received[i] = java.util.Arrays.copyOf(in.getData(), in.getLength());
      arrival[i] = System.nanoTime();
    }
    // decode what the phone received (the last 40 packets, 800 ms at 8 kHz)
    short[] tail = new short[40 * 160];
    for (int i = 0; i < 40; i++) {
      byte[] p = received[packets - 40 + i];
      G711.PCMU.decode(p, 12, tail, i * 160, 160);
    }
    assertTrue(ToneMeter.share(tail, 600, 8000) > 0.9,
        "600 Hz share of what the phone heard: " + ToneMeter.share(tail, 600, 8000));
  }

  @Test
  void rtpFromASecondSourceIsDroppedAndCountedAndTheCallKeepsSendingToItsPeer() throws Exception {
    bridge(Duration.ZERO);
    String callId = "o-hijack";
    InetSocketAddress local = bridge.localRtp(callId).orElseThrow();
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcmu());
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "alice"),
        NegotiatedMedia.pcmu()));
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.9", 0))) {
      attacker.setSoTimeout(20);
      // the peer talks from its SDP address; then a second source sends valid RTP of the
      // negotiated payload type, well formed and in sequence, for 300 ms
      talkUntilMediaStarted(peer, local, 0, 1111);
      for (int i = 1000; i < 1030; i++) {
        send(peer, local, 0, i, 1111);
        send(attacker, local, 0, i, 2222);
        Thread.sleep(10); // paced like a phone, not a synchronisation
      }
      int toAttacker = 0;
      long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
      while (System.nanoTime() < end) {
        try {
          attacker.receive(in);
          toAttacker++;
        } catch (SocketTimeoutException ignored) {
          // nothing for the attacker
        }
      }
      assertEquals(0, toAttacker, "RTP packets the call sent to the second source");
      peer.receive(in);
      assertEquals(0, buf[1] & 0x7F, "the peer still gets the call's RTP");
      String metrics = io.rtc2sip.metrics.NodeMetrics.get(KIT.system()).scrape();
      assertTrue(refused(metrics, "foreign-source") >= 30,
          "refused packets counted: " + metrics.lines()
              .filter(l -> l.contains("refused")).toList());
    }
    // one summary line for the call when it ends, with its call id, not one per packet
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(CallMedia.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      bridge.release(callId);
      java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> refusedLines = lines.list.stream()
          .filter(e -> e.getFormattedMessage().startsWith("RTP refused")).toList();
      assertEquals(1, refusedLines.size(), "summary lines: " + lines.list);
      assertEquals(callId, refusedLines.get(0).getMDCPropertyMap().get("callId"));
      assertTrue(refusedLines.get(0).getFormattedMessage().contains("127.0.0.9"),
          refusedLines.get(0).getFormattedMessage());
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void aPeerBehindNatSendingFromAnotherPortIsLatchedToAtTheStart() throws Exception {
    bridge(Duration.ZERO);
    String callId = "o-nat";
    InetSocketAddress local = bridge.localRtp(callId).orElseThrow();
    // the SDP names an address the peer does not send from (a NAT in between)
    bridge.remoteDescribed(callId, new InetSocketAddress("127.0.0.1", 9), NegotiatedMedia.pcma());
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "bob"),
        NegotiatedMedia.pcma()));
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    talkUntilMediaStarted(peer, local, 8, 3333);
    peer.receive(in);
    assertEquals(8, buf[1] & 0x7F, "the call sends to where the peer's RTP comes from");
  }

  /** Sends RTP every 20 ms until the call hears of its media start (the Start is handled). */
  private void talkUntilMediaStarted(DatagramSocket from, InetSocketAddress to, int payloadType,
      int ssrc) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    for (int seq = 0; System.nanoTime() < deadline; seq++) {
      send(from, to, payloadType, seq, ssrc);
      try {
        assertEquals(CallCommand.MediaStarted.INSTANCE,
            calls.receiveMessage(Duration.ofMillis(20)).message());
        return;
      } catch (AssertionError notYet) {
        // the bridge has not built the call's media yet
      }
    }
    throw new AssertionError("no media start within 3 s");
  }

  private static void send(DatagramSocket from, InetSocketAddress to, int payloadType, int seq,
      int ssrc) throws Exception {
    byte[] p = new byte[172];
    p[0] = (byte) 0x80;
    p[1] = (byte) payloadType;
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    int ts = seq * 160;
    p[4] = (byte) (ts >> 24);
    p[5] = (byte) (ts >> 16);
    p[6] = (byte) (ts >> 8);
    p[7] = (byte) ts;
    p[8] = (byte) (ssrc >> 24);
    p[9] = (byte) (ssrc >> 16);
    p[10] = (byte) (ssrc >> 8);
    p[11] = (byte) ssrc;
    java.util.Arrays.fill(p, 12, p.length, (byte) 0xFF);
    from.send(new DatagramPacket(p, p.length, to));
  }

  /** The sum of {@code rtc2sip_rtp_packets_refused_total} samples of {@code reason}. */
  static double refused(String metrics, String reason) {
    return metrics.lines()
        .filter(l -> l.startsWith("rtc2sip_rtp_packets_refused_total{")
            && l.contains("reason=\"" + reason + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void holdStopsRtpToTheHoldingSideAndSilenceStopsTheCall() throws Exception {
    bridge(Duration.ofMillis(400));
    String callId = "o-hold";
    InetSocketAddress local = bridge.localRtp(callId).orElseThrow();
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcma());
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "bob"),
        NegotiatedMedia.pcma()));
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    peer.receive(in); // RTP flows to the peer while active
    assertEquals(8, buf[1] & 0x7F, "PCMA payload type");

    // the peer holds us: we answer recvonly and send nothing
    bridge.port().tell(new MediaCommand.SetDirection(callId, SdpDirection.RECVONLY));
    drainFor(in, Duration.ofMillis(200));
    peer.setSoTimeout(300);
    boolean silent;
    try {
      peer.receive(in);
      silent = false;
    } catch (SocketTimeoutException e) {
      silent = true;
    }
    assertTrue(silent, "no RTP while held by the peer");
    // no media timeout while held: resume, send nothing, and the call is told
    bridge.port().tell(new MediaCommand.SetDirection(callId, SdpDirection.SENDRECV));
    assertEquals(CallCommand.MediaTimeout.INSTANCE,
        calls.receiveMessage(Duration.ofSeconds(3)).message());
    assertEquals(1, bridge.activeCalls());
    bridge.port().tell(new MediaCommand.Stop(callId));
    until(Duration.ofSeconds(2), () -> bridge.activeCalls() == 0,
        () -> "no active calls after the Stop, active: " + bridge.activeCalls());
  }

  @Test
  void dtmfFromTheClientGoesOutAsTelephoneEventsAndComesBackAsFacts() throws Exception {
    bridge(Duration.ZERO);
    String callId = "o-dtmf";
    InetSocketAddress local = bridge.localRtp(callId).orElseThrow();
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcmu());
    bridge.port().tell(new MediaCommand.Start(callId, new RtcLeg("room", "carol"),
        NegotiatedMedia.pcmu()));
    bridge.port().tell(new MediaCommand.SendDtmf(callId, "7", 100));
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    boolean event = false;
    for (int i = 0; i < 200 && !event; i++) {
      peer.receive(in);
      event = (buf[1] & 0x7F) == 101 && buf[12] == 7;
    }
    assertTrue(event, "telephone-event for digit 7 sent");

    // the phone presses 5: RFC 4733 events into the bridge become a fact for the call
    BlockingQueue<byte[]> out = new ArrayBlockingQueue<>(64);
    SendPipeline phone = SendPipeline.of(G711.PCMU, 99, 1, 0, (p, off, len) ->
        out.add(java.util.Arrays.copyOfRange(p, off, off + len)));
    phone.sendDigit('5', 120);
    short[] frame = new short[SendPipeline.FRAME_SAMPLES];
    for (int i = 0; i < 30; i++) {
      phone.push10ms(frame);
    }
    for (byte[] p : out) {
      peer.send(new DatagramPacket(p, p.length, local));
    }
    CallCommand fact;
    do {
      fact = calls.receiveMessage(Duration.ofSeconds(3)).message();
    } while (fact == CallCommand.MediaStarted.INSTANCE);
    assertEquals(new CallCommand.MediaDtmfReceived("5", 100), fact);
  }

  /** Browser legs as the bridge sees them: answered, or not made at all. */
  private static WebRtcLegs browsers(RtcAudio audio, RuntimeException failure) {
    return new WebRtcLegs() {
      @Override
      public Answered answer(String callId, String offer, Listener listener) {
        if (failure != null) {
          throw failure;
        }
        return new Answered("v=0\r\n(answer to " + offer.length() + " characters)\r\n", audio);
      }

      @Override
      public void check(String offer) {}
    };
  }

  @Test
  void aBrowserOfferIsAnsweredToTheClientAndItsLegBridged() throws Exception {
    bridge(Duration.ZERO, browsers(rtc, null));
    String callId = "o-browser";
    bridge.localRtp(callId).orElseThrow();
    TestProbe<CallReply> client = KIT.createTestProbe();
    RtcLeg leg = new RtcLeg("room", "alice", true);
    bridge.port().tell(new MediaCommand.Prepare(callId, leg, CallDirection.OUTBOUND,
        new MediaCommand.BrowserOffer("v=0\r\n", client.ref())));
    assertEquals(new CallReply.Accepted(callId, "v=0\r\n(answer to 5 characters)\r\n"),
        client.receiveMessage(Duration.ofSeconds(3)));
    bridge.port().tell(new MediaCommand.Start(callId, leg, NegotiatedMedia.pcmu()));
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcmu());
    rtc.play(Tone.of(600, 48000));
    // the phone hears the browser leg's audio: the 600 Hz it plays
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    short[] tail = new short[40 * 160];
    for (int i = 0; i < 60; i++) {
      peer.receive(in);
      if (i >= 20) {
        G711.PCMU.decode(buf, 12, tail, (i - 20) * 160, 160);
      }
    }
    assertTrue(ToneMeter.share(tail, 600, 8000) > 0.9,
        "600 Hz share of what the phone heard: " + ToneMeter.share(tail, 600, 8000));
    assertEquals(0, networkJoins.get(), "the RTC network was not joined");
  }

  @Test
  void aBrowsersNewOfferAfterAReanchorIsAnsweredAndItsLegBridged() throws Exception {
    bridge(Duration.ZERO, browsers(rtc, null));
    String callId = "o-browser-moved";
    bridge.localRtp(callId).orElseThrow();
    RtcLeg leg = new RtcLeg("room", "alice", true);
    // recovered on this node: the SIP side re-anchors with no browser leg yet
    bridge.port().tell(new MediaCommand.Reanchor(callId, leg, NegotiatedMedia.pcmu(),
        io.rtc2sip.actors.model.SdpDirection.SENDRECV));
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcmu());
    TestProbe<CallReply> client = KIT.createTestProbe();
    bridge.port().tell(new MediaCommand.BrowserReoffer(callId, leg,
        new MediaCommand.BrowserOffer("v=0 again\r\n", client.ref())));
    assertEquals(new CallReply.Accepted(callId, "v=0\r\n(answer to 11 characters)\r\n"),
        client.receiveMessage(Duration.ofSeconds(3)));
    rtc.play(Tone.of(600, 48000));
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    short[] tail = new short[40 * 160];
    for (int i = 0; i < 60; i++) {
      peer.receive(in);
      if (i >= 20) {
        G711.PCMU.decode(buf, 12, tail, (i - 20) * 160, 160);
      }
    }
    assertTrue(ToneMeter.share(tail, 600, 8000) > 0.9,
        "600 Hz share of what the phone heard from the new leg: " + ToneMeter.share(tail, 600, 8000));
    assertEquals(0, networkJoins.get(), "the RTC network was not joined");
  }

  @Test
  void aBrowserLegThatCannotBeMadeIsRefusedAndFailsTheCall() throws Exception {
    bridge(Duration.ZERO, browsers(rtc, new IllegalStateException("no free WebRTC port")));
    String callId = "o-browser-failed";
    bridge.localRtp(callId).orElseThrow();
    TestProbe<CallReply> client = KIT.createTestProbe();
    RtcLeg leg = new RtcLeg("room", "alice", true);
    bridge.port().tell(new MediaCommand.Prepare(callId, leg, CallDirection.OUTBOUND,
        new MediaCommand.BrowserOffer("v=0\r\n", client.ref())));
    assertEquals(new CallReply.Rejected(callId, "WebRTC: no free WebRTC port"),
        client.receiveMessage(Duration.ofSeconds(3)));
    assertEquals(new CallCommand.RtcMediaFailed("no free WebRTC port"),
        calls.receiveMessage(Duration.ofSeconds(3)).message());
    // a library's failure is no different
    bridge.close();
    bridge(Duration.ZERO, browsers(rtc, new NullPointerException("a bug somewhere")));
    bridge.localRtp(callId).orElseThrow();
    bridge.port().tell(new MediaCommand.Prepare(callId, leg, CallDirection.OUTBOUND,
        new MediaCommand.BrowserOffer("v=0\r\n", client.ref())));
    assertInstanceOf(CallReply.Rejected.class, client.receiveMessage(Duration.ofSeconds(3)));
    assertInstanceOf(CallCommand.RtcMediaFailed.class,
        calls.receiveMessage(Duration.ofSeconds(3)).message());
    // the answer comes anyway (the SIP side was quicker than the cancel): no phantom RTC leg
    bridge.remoteDescribed(callId, (InetSocketAddress) peer.getLocalSocketAddress(),
        NegotiatedMedia.pcmu());
    bridge.port().tell(new MediaCommand.Start(callId, leg, NegotiatedMedia.pcmu()));
    bridge.port().tell(new MediaCommand.SendDtmf(callId, "1", 100)); // handled after the Start
    byte[] buf = new byte[1500];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    boolean event = false;
    for (int i = 0; i < 200 && !event; i++) {
      peer.receive(in);
      event = (buf[1] & 0x7F) == 101;
    }
    assertTrue(event, "the Start was handled (the digit after it went out)");
    assertEquals(0, networkJoins.get(), "the RTC network's channel was not joined");
  }

  private void drainFor(DatagramPacket in, Duration d) throws Exception {
    peer.setSoTimeout(20);
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      try {
        peer.receive(in);
      } catch (SocketTimeoutException ignored) {
        // nothing queued
      }
    }
  }

  /** A continuous sine, frame after frame. */
  record Tone(double hz, int rate, long[] position) {
    static Tone of(double hz, int rate) {
      return new Tone(hz, rate, new long[1]);
    }

    void fill(short[] frame) {
      for (int i = 0; i < frame.length; i++) {
        frame[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * position[0]++ / rate));
      }
    }
  }

  /** An RTC leg that records what is published and plays a tone. */
  static final class RecordingRtc implements RtcAudio {
    private final short[][] published = new short[400][];
    private int count;
    private volatile Tone playing;
    private volatile int rate = 48000;

    @Override
    public int sampleRate() {
      return rate;
    }

    void play(Tone tone) {
      playing = tone;
    }

    @Override
    public synchronized void publish(short[] frame) {
      published[count++ % published.length] = frame.clone();
    }

    synchronized short[] lastPublished(int frames) {
      int size = rate / 100;
      short[] out = new short[frames * size];
      for (int i = 0; i < frames; i++) {
        short[] f = published[(count - frames + i) % published.length];
        assertEquals(size, f.length, "frames of the leg's rate");
        System.arraycopy(f, 0, out, i * size, size);
      }
      return out;
    }

    @Override
    public boolean poll(short[] out) {
      Tone t = playing;
      if (t == null) {
        return false;
      }
      t.fill(out);
      return true;
    }

    @Override
    public void close() {}
  }

}
