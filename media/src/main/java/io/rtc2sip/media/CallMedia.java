package io.rtc2sip.media;

import io.rtc2sip.actors.Mdc;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.SdesCrypto;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.jitter.JitterConfig;
import io.rtc2sip.codec.pipeline.ReceivePipeline;
import io.rtc2sip.codec.pipeline.SendPipeline;
import io.rtc2sip.codec.rtcp.ReceiverStats;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.codec.rtcp.RtcpWriter;
import io.rtc2sip.media.srtp.SrtpSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The media of one call on this node: its RTP/RTCP sockets, the codec chain both ways and its
 * RTC leg, driven by the media clock every 10 ms ({@link #tick}). Commands from the call arrive
 * on other threads and take effect at the next tick; audio never leaves the media threads.
 * When the call's media is SRTP ({@link NegotiatedMedia#srtp()}) its packets pass through the
 * call's {@link CallSrtp} both ways.
 */
final class CallMedia {
  private static final Logger log = LoggerFactory.getLogger(CallMedia.class);

  /** What the call learns from its media (sent to the call entity by the bridge). */
  interface Facts {
    void mediaStarted(String callId);

    void mediaTimeout(String callId);

    void dtmf(String callId, char digit);
  }

  /** The call (for its facts and log lines). */
  final String callId;
  /**
   * The leg's key: the call id for the call's own SIP party, {@code CallIds.partyLeg} for a
   * party added to a conference (a media of its own, with its own port).
   */
  final String key;
  private final RtpPorts.Pair ports;
  private final MediaSettings settings;
  private final Facts facts;
  private final PacketRing ring = new PacketRing(64);
  private final Queue<Character> digitsToSend = new ConcurrentLinkedQueue<>();
  private final short[] fromSip = new short[ReceivePipeline.FRAME_SAMPLES];
  private final short[] fromRtc = new short[SendPipeline.FRAME_SAMPLES];
  private final short[] silence = new short[SendPipeline.FRAME_SAMPLES];
  // the same at 8 kHz, for an RTC leg that takes and gives narrowband frames
  private final short[] fromSipNarrow = new short[ReceivePipeline.NARROW_FRAME_SAMPLES];
  private final short[] fromRtcNarrow = new short[SendPipeline.NARROW_FRAME_SAMPLES];
  private final short[] silenceNarrow = new short[SendPipeline.NARROW_FRAME_SAMPLES];
  private final ByteBuffer out = ByteBuffer.allocateDirect(PacketRing.MAX_PACKET);
  private final byte[] rtcp = new byte[512];
  private final ReceiverStats[] rtcpSources = new ReceiverStats[1];
  private final NodeMetrics.Media metrics;
  /** Packets reported lost up to the previous RTCP report (the counter gets the difference). */
  private long lostReported;
  private final int ssrc = ThreadLocalRandom.current().nextInt();
  private final LatencyHistogram queueing;
  private final PacketRing.Sink rtpSink = this::onRtp;
  private final PacketRing.Sink discard = (d, n, t, s) -> { };
  private long tickNanos;
  private final CallSrtp srtp;

  private volatile NegotiatedMedia media;
  private volatile InetSocketAddress described;
  private volatile SdpDirection direction = SdpDirection.SENDRECV;
  private volatile RtcAudio rtc;
  private volatile RingbackSource ringback;
  private volatile boolean closed;
  /** The leg's party left a conference: its port stays the call's until it ends, unheard. */
  private volatile boolean left;

  // media-clock thread only
  private NegotiatedMedia built;
  private ReceivePipeline receive;
  private SendPipeline send;
  private final RtpLatch latch;
  private boolean sending;
  private boolean heardRtp;
  private boolean timedOut;
  private long lastRtpNanos;
  private long startedNanos;
  private long nextRtcpNanos;
  // packets refused (for the call's summary line; counted on /metrics as they come)
  private long refusedSource;
  private long refusedMalformed;
  private long refusedPayloadType;
  private long refusedRtcp;
  private long refusedSrtp;
  private volatile SocketAddress firstForeign;

  CallMedia(String key, RtpPorts.Pair ports, MediaSettings settings, Facts facts,
      LatencyHistogram queueing, NodeMetrics.Media metrics, SecureRandom random) {
    this.key = key;
    this.callId = CallIds.callOfLeg(key);
    this.srtp = new CallSrtp(key, random, ssrc);
    this.queueing = queueing;
    this.metrics = metrics;
    this.ports = ports;
    this.settings = settings;
    this.facts = facts;
    this.latch = new RtpLatch(settings.symmetricRtp(), settings.latchWindow().toNanos());
  }

  InetSocketAddress localRtp() {
    return ports.rtpAddress();
  }

  RtpPorts.Pair ports() {
    return ports;
  }

  /** Our SDES key for this call's SRTP, made on first use (zeroed when the media closes). */
  SdesKey localSdesKey() {
    return srtp.localKey();
  }

  // ---------------------------------------------------------------- from other threads

  void rtpReceived(ByteBuffer datagram, SocketAddress from, long arrivalNanos) {
    ring.offer(datagram, from, arrivalNanos);
  }

  /**
   * Reports from the peer are read off the socket; their figures are not used yet. RTCP that is
   * not from the peer's address (the IP the call sends RTP to), or is not RTCP, is counted.
   */
  void rtcpReceived(ByteBuffer datagram, SocketAddress from, long arrivalNanos) {
    SocketAddress peer = latch.destination();
    boolean rtcp = datagram.remaining() >= 8 && (datagram.get(datagram.position()) & 0xC0) == 0x80
        && (datagram.get(datagram.position() + 1) & 0xFF) >= 200
        && (datagram.get(datagram.position() + 1) & 0xFF) <= 207;
    if (!rtcp) {
      metrics.rtpRefusedMalformed.inc();
      refusedRtcp++;
    } else if (!(peer instanceof InetSocketAddress p && from instanceof InetSocketAddress f
        && p.getAddress().equals(f.getAddress()))) {
      metrics.rtpRefusedSource.inc();
      refusedRtcp++;
      if (firstForeign == null) {
        firstForeign = from;
      }
    } else if (srtp.on() && !srtp.authenticRtcp(datagram)) {
      refusedSrtp();
    }
  }

  private void refusedSrtp() {
    metrics.rtpRefusedSrtp.inc();
    refusedSrtp++;
  }

  /**
   * The peer's SDP: where to send, and for SRTP its suite and key; a codec change takes effect
   * only once media started.
   */
  void describe(InetSocketAddress remote, NegotiatedMedia negotiated,
      Optional<SdesCrypto> crypto) {
    srtp.describe(crypto);
    this.described = remote;
    if (this.media != null) {
      this.media = negotiated;
    }
  }

  void start(NegotiatedMedia negotiated) {
    this.ringback = null;
    this.media = negotiated;
  }

  /** Ringback to the SIP peer in {@code offer} until {@link #start} ({@link RingbackSource}). */
  void ringback(NegotiatedMedia offer) {
    this.ringback = new RingbackSource();
    this.media = offer;
  }

  void direction(SdpDirection d) {
    this.direction = d;
  }

  void rtc(RtcAudio audio) {
    RtcAudio old = this.rtc;
    this.rtc = audio;
    if (old != null && old != audio) {
      old.close();
    }
  }

  /**
   * Gives the leg {@code audio} instead of its RTC leg, which is returned, not closed: the call
   * became a conference, and the RTC user's leg moves to the bus.
   */
  RtcAudio swapRtc(RtcAudio audio) {
    RtcAudio old = this.rtc;
    this.rtc = audio;
    return old;
  }

  /**
   * The leg's party left the conference: the leg leaves the mix (its port on the bus closes),
   * sends nothing, is not watched for silence and reports nothing until the call's media ends.
   */
  void leave() {
    left = true;
    RtcAudio audio = swapRtc(null);
    if (audio != null) {
      audio.close();
    }
  }

  /** Whether the leg has an RTC leg (or a conference port) to talk to. */
  boolean hasRtc() {
    return rtc != null;
  }

  void sendDigits(String digits) {
    for (char c : digits.toCharArray()) {
      digitsToSend.add(c);
    }
  }

  void close() {
    closed = true;
    logRefused();
    srtp.close();
    RtcAudio audio = rtc;
    if (audio != null) {
      audio.close();
    }
    ports.close();
  }

  boolean closed() {
    return closed;
  }

  long droppedInGateway() {
    return ring.dropped();
  }

  /** One line per call, at its end, for the packets its ports refused (never one per packet). */
  private void logRefused() {
    long total = refusedSource + refusedMalformed + refusedPayloadType + refusedRtcp
        + refusedSrtp;
    if (total == 0) {
      return;
    }
    Object[] args = {refusedSource, firstForeign, refusedMalformed, refusedPayloadType,
        refusedRtcp, refusedSrtp, latch.destination()};
    Mdc.runWithCall(key, () -> log.warn("RTP refused: {} from other sources (first {}), {}"
        + " malformed, {} of payload types not negotiated, {} RTCP not from the peer or not"
        + " RTCP, {} SRTP/SRTCP that failed authentication or the replay check (or came before"
        + " the keys); RTP went to {}", args));
  }

  // ---------------------------------------------------------------- media clock

  /** One 10 ms step: RTP in → frame to RTC; frame from RTC → RTP out. */
  void tick(long nowNanos) {
    if (closed) {
      return;
    }
    if (left) {
      ring.drain(discard);
      return;
    }
    tickNanos = nowNanos;
    rebuildIfNeeded(nowNanos);
    srtp.follow(built != null && built.srtp());
    if (receive == null) {
      ring.drain(discard);
      RtcAudio audio = rtc;
      if (audio != null) {
        audio.skip();
      }
      return;
    }
    latch.expect(described, built.payloadType(), built.telephoneEventPayloadType(), nowNanos);
    ring.drain(rtpSink);
    SdpDirection d = direction;
    boolean toRtc = d == SdpDirection.SENDRECV || d == SdpDirection.RECVONLY;
    boolean toSip = d == SdpDirection.SENDRECV;
    sending = d == SdpDirection.SENDRECV || d == SdpDirection.SENDONLY;
    RtcAudio audio = rtc;
    boolean narrow = audio != null && audio.sampleRate() == 8000;
    if (audio != null && audio.listening()) {
      if (narrow) {
        receive.pull10msNarrow(fromSipNarrow, nowNanos);
        audio.publish(toRtc ? fromSipNarrow : silenceNarrow);
      } else {
        receive.pull10ms(fromSip, nowNanos);
        audio.publish(toRtc ? fromSip : silence);
      }
    } else {
      receive.skip10ms(nowNanos); // nobody hears it: keep timing, PLC and DTMF, skip the 48 kHz
    }
    boolean haveRtc = audio != null && audio.poll(narrow ? fromRtcNarrow : fromRtc);
    Character digit = digitsToSend.peek();
    if (digit != null && send.sendDigit(digit, 100)) {
      digitsToSend.poll();
    }
    RingbackSource tone = ringback;
    if (tone != null) {
      send.push10msNarrow(tone.next10ms());
      lastRtpNanos = nowNanos; // a caller held ringing need not send anything
    } else if (narrow) {
      send.push10msNarrow(toSip && haveRtc ? fromRtcNarrow : silenceNarrow);
    } else {
      send.push10ms(toSip && haveRtc ? fromRtc : silence);
    }
    checkTimeout(nowNanos, d);
    sendRtcp(nowNanos);
  }

  /** The call id for the log lines of the media threads (set only where something logs). */
  private void mdc() {
    MDC.put("callId", key);
  }

  private void rebuildIfNeeded(long nowNanos) {
    NegotiatedMedia m = media;
    if (m == null || m == built) {
      return;
    }
    if (m.equals(built)) {
      built = m; // the same codec offered again (a re-INVITE): keep the chain and its state
      return;
    }
    mdc();
    G711 codec = codecOf(m);
    if (codec == null) {
      log.error("codec {} is not supported by the media bridge; no audio", m.codec());
      built = m;
      return;
    }
    int firstTimestamp = send != null ? send.nextTimestamp() : ThreadLocalRandom.current().nextInt();
    receive = new ReceivePipeline(codec, m.payloadType(), m.telephoneEventPayloadType(),
        JitterConfig.g711(), digit -> facts.dtmf(callId, digit), System::nanoTime);
    send = new SendPipeline(codec, m.payloadType(), m.telephoneEventPayloadType(), ssrc,
        ThreadLocalRandom.current().nextInt(0x10000), firstTimestamp, this::sendRtp);
    built = m;
    startedNanos = nowNanos;
    lastRtpNanos = nowNanos;
    timedOut = false;
    nextRtcpNanos = nowNanos + settings.rtcpInterval().toNanos();
    log.info("media {} up on {}: {}", m.codec(), ports.rtpAddress(), receive);
  }

  private static G711 codecOf(NegotiatedMedia m) {
    if (m.codec().equalsIgnoreCase("PCMA")) {
      return G711.PCMA;
    }
    return m.codec().equalsIgnoreCase("PCMU") ? G711.PCMU : null;
  }

  private void onRtp(byte[] packet, int received, long arrivalNanos, SocketAddress source) {
    byte[] data = packet;
    int length = received;
    if (srtp.on()) {
      if (!srtp.unprotectRtp(packet, received)) {
        refusedSrtp();
        return;
      }
      data = srtp.rtp().getBuffer();
      length = srtp.rtp().getLength();
    }
    RtpLatch.Verdict verdict = latch.check(data, length, source, arrivalNanos);
    if (!verdict.taken()) {
      refused(verdict, source);
      return;
    }
    metrics.rtpReceived.inc();
    receive.push(data, 0, length, arrivalNanos);
    queueing.record(tickNanos - arrivalNanos);
    lastRtpNanos = arrivalNanos;
    if (verdict == RtpLatch.Verdict.LATCHED) {
      mdc();
      log.info("RTP from {}: sending there ({})", source,
          source.equals(described) ? "the address of the SDP" : "symmetric RTP, latched");
    }
    if (!heardRtp) {
      heardRtp = true;
      facts.mediaStarted(callId);
    }
  }

  private void refused(RtpLatch.Verdict verdict, SocketAddress source) {
    switch (verdict) {
      case FOREIGN_SOURCE -> {
        metrics.rtpRefusedSource.inc();
        refusedSource++;
        if (firstForeign == null) {
          firstForeign = source;
        }
      }
      case PAYLOAD_TYPE -> {
        metrics.rtpRefusedPayloadType.inc();
        refusedPayloadType++;
      }
      default -> {
        metrics.rtpRefusedMalformed.inc();
        refusedMalformed++;
      }
    }
  }

  private void sendRtp(byte[] packet, int off, int len) {
    SocketAddress to = latch.destination();
    if (!sending || to == null) {
      return;
    }
    if (srtp.on()) {
      SrtpSession.Packet p = srtp.protectRtp(packet, off, len);
      if (p == null) {
        return; // no keys yet: nothing goes out in clear
      }
      packet = p.getBuffer();
      off = 0;
      len = p.getLength();
    }
    out.clear();
    out.put(packet, off, len).flip();
    try {
      ports.rtp().send(out, to);
      metrics.rtpSent.inc();
    } catch (IOException e) {
      mdc();
      log.debug("RTP to {} not sent: {}", to, e.toString());
    }
  }

  private void checkTimeout(long nowNanos, SdpDirection d) {
    if (d != SdpDirection.SENDRECV) {
      lastRtpNanos = nowNanos; // no media is expected while held: the clock restarts on resume
      return;
    }
    long timeout = settings.timeout().toNanos();
    if (timeout == 0 || timedOut) {
      return;
    }
    if (nowNanos - Math.max(lastRtpNanos, startedNanos) > timeout) {
      mdc();
      timedOut = true;
      log.info("no RTP for {}: media timeout", settings.timeout());
      facts.mediaTimeout(callId);
    }
  }

  private void sendRtcp(long nowNanos) {
    if (nowNanos < nextRtcpNanos) {
      return;
    }
    nextRtcpNanos = nowNanos + settings.rtcpInterval().toNanos();
    SocketAddress to = latch.destination();
    if (to == null) {
      return;
    }
    ReceiverStats stats = receive.receiverStats();
    int count = stats == null ? 0 : 1;
    if (stats != null && stats.started()) {
      metrics.jitter(stats.jitterMillis() / 1000.0);
      long lost = Math.max(0, stats.cumulativeLost());
      if (lost > lostReported) {
        metrics.rtpLost.inc(lost - lostReported);
        lostReported = lost;
      }
    }
    rtcpSources[0] = stats;
    long ntp = RtcpWriter.ntp(System.currentTimeMillis() * 1_000_000L);
    int len = sending
        ? RtcpWriter.senderReport(rtcp, 0, ssrc, ntp, send.nextTimestamp(), send.packetsSent(),
            send.octetsSent(), rtcpSources, count, nowNanos)
        : RtcpWriter.receiverReport(rtcp, 0, ssrc, rtcpSources, count, nowNanos);
    len += RtcpWriter.sdesCname(rtcp, len, ssrc, "rtc2sip@" + ports.rtpAddress().getHostString());
    InetSocketAddress rtpTo = (InetSocketAddress) to;
    byte[] report = rtcp;
    if (srtp.on()) {
      SrtpSession.Packet p = srtp.protectRtcp(rtcp, len);
      if (p == null) {
        return;
      }
      report = p.getBuffer();
      len = p.getLength();
    }
    try {
      ports.rtcp().send(ByteBuffer.wrap(report, 0, len),
          new InetSocketAddress(rtpTo.getAddress(), rtpTo.getPort() + 1));
    } catch (IOException e) {
      mdc();
      log.debug("RTCP not sent: {}", e.toString());
    }
  }
}
