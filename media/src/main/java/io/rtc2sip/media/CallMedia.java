package io.rtc2sip.media;

import io.rtc2sip.actors.Mdc;
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
import io.rtc2sip.media.srtp.SrtpKeys;
import io.rtc2sip.media.srtp.SrtpSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The media of one call on this node: its RTP/RTCP sockets, the codec chain both ways and its
 * RTC leg, driven by the media clock every 10 ms ({@link #tick}). Commands from the call arrive
 * on other threads and take effect at the next tick; audio never leaves the media threads.
 *
 * <p>When the call's media is SRTP ({@link NegotiatedMedia#srtp()}), what goes out is protected
 * with our SDES key ({@link #localSdesKey()}, made on first use, zeroed at {@link #close()}) and
 * what comes in must authenticate with the peer's ({@link #describe}); until both are known
 * nothing is sent, and plain or forged packets are dropped and counted, never taken.
 */
final class CallMedia {
  private static final Logger log = LoggerFactory.getLogger(CallMedia.class);

  /** What the call learns from its media (sent to the call entity by the bridge). */
  interface Facts {
    void mediaStarted(String callId);

    void mediaTimeout(String callId);

    void dtmf(String callId, char digit);
  }

  final String callId;
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
  private final SecureRandom random;
  private SdesKey localKey; // guarded by this
  private volatile SdesCrypto remoteCrypto;
  /** The session of SRTP media, once both keys are known; receiving synchronizes on it. */
  private volatile SrtpSession srtp;
  private volatile boolean srtpMedia;
  private SdesCrypto srtpBuiltFrom; // media clock only
  private final SrtpSession.Packet srtpIn = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final SrtpSession.Packet srtpOut = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final SrtpSession.Packet srtcpOut = new SrtpSession.Packet(512 + 64);
  private final SrtpSession.Packet srtcpIn = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);

  private volatile NegotiatedMedia media;
  private volatile InetSocketAddress described;
  private volatile SdpDirection direction = SdpDirection.SENDRECV;
  private volatile RtcAudio rtc;
  private volatile boolean closed;

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

  CallMedia(String callId, RtpPorts.Pair ports, MediaSettings settings, Facts facts,
      LatencyHistogram queueing, NodeMetrics.Media metrics, SecureRandom random) {
    this.random = random;
    this.queueing = queueing;
    this.metrics = metrics;
    this.callId = callId;
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

  /** Our SDES key for this call's SRTP, made on first use (it lives as long as this media). */
  synchronized SdesKey localSdesKey() {
    if (localKey == null) {
      localKey = SdesKey.random(random);
    }
    return localKey;
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
    } else if (srtpMedia && !srtcpAuthentic(datagram)) {
      refusedSrtp();
    }
  }

  /** Whether an SRTCP packet authenticates with the peer's key (and is no replay). */
  private boolean srtcpAuthentic(ByteBuffer datagram) {
    SrtpSession session = srtp;
    int length = datagram.remaining();
    if (session == null || length > srtcpIn.getBuffer().length) {
      return false;
    }
    datagram.duplicate().get(srtcpIn.getBuffer(), 0, length);
    srtcpIn.reset(length);
    int ssrc = ssrcAt(srtcpIn.getBuffer(), 4);
    try {
      synchronized (session) {
        return session.unprotectRtcp(srtcpIn, ssrc) == SrtpErrorStatus.OK;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static int ssrcAt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }

  private void refusedSrtp() {
    metrics.rtpRefusedSrtp.inc();
    refusedSrtp++;
  }

  /**
   * The peer's SDP: where to send, and for SRTP its suite and key (this media keeps its own copy);
   * a codec change takes effect only once media started.
   */
  void describe(InetSocketAddress remote, NegotiatedMedia negotiated,
      java.util.Optional<SdesCrypto> crypto) {
    this.remoteCrypto = crypto
        .map(c -> new SdesCrypto(c.suite(), c.remoteKey().copy())).orElse(null);
    this.described = remote;
    if (this.media != null) {
      this.media = negotiated;
    }
  }

  void start(NegotiatedMedia negotiated) {
    this.media = negotiated;
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

  void sendDigits(String digits) {
    for (char c : digits.toCharArray()) {
      digitsToSend.add(c);
    }
  }

  void close() {
    closed = true;
    logRefused();
    SrtpSession session = srtp;
    srtp = null;
    if (session != null) {
      synchronized (session) {
        session.close();
      }
    }
    synchronized (this) {
      if (localKey != null) {
        localKey.destroy();
      }
    }
    destroy(remoteCrypto);
    destroy(srtpBuiltFrom);
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

  private static void destroy(SdesCrypto crypto) {
    if (crypto != null) {
      crypto.remoteKey().destroy();
    }
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
    Mdc.runWithCall(callId, () -> log.warn("RTP refused: {} from other sources (first {}), {}"
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
    tickNanos = nowNanos;
    rebuildIfNeeded(nowNanos);
    rekeyIfNeeded();
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
    if (narrow) {
      send.push10msNarrow(toSip && haveRtc ? fromRtcNarrow : silenceNarrow);
    } else {
      send.push10ms(toSip && haveRtc ? fromRtc : silence);
    }
    checkTimeout(nowNanos, d);
    sendRtcp(nowNanos);
  }

  /** The call id for the log lines of the media threads (set only where something logs). */
  private void mdc() {
    MDC.put("callId", callId);
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

  /**
   * Follows the SRTP keys: a session once both are known, the peer's new key on a re-INVITE
   * (our sending context goes on, so its packet index never starts over under the same key), no
   * session for plain media.
   */
  private void rekeyIfNeeded() {
    boolean on = built != null && built.srtp();
    srtpMedia = on;
    SdesCrypto remote = on ? remoteCrypto : null;
    if (remote == srtpBuiltFrom) {
      return;
    }
    SrtpSession session = srtp;
    if (session != null && remote != null && srtpBuiltFrom != null
        && remote.suite() == srtpBuiltFrom.suite()
        && remote.remoteKey().equals(srtpBuiltFrom.remoteKey())) {
      // the same key again (a hold, a resume, a session refresh): the peer's sources keep their
      // rollover counters and replay windows
      destroy(srtpBuiltFrom);
      srtpBuiltFrom = remote;
      return;
    }
    mdc();
    if (remote == null) {
      srtp = null;
      if (session != null) {
        synchronized (session) {
          session.close();
        }
      }
      log.info(on ? "SRTP: no key of the peer: media held until one comes" : "plain RTP");
    } else if (session != null && session.authTagBytes() == remote.suite().authTagBytes()) {
      byte[] k = remote.remoteKey().bytes();
      synchronized (session) {
        session.receiveWith(Arrays.copyOfRange(k, 0, SrtpKeys.KEY_LENGTH),
            Arrays.copyOfRange(k, SrtpKeys.KEY_LENGTH, k.length));
      }
      Arrays.fill(k, (byte) 0);
      log.info("SRTP {}: the peer's new key", remote.suite());
    } else {
      byte[] local = localSdesKey().bytes();
      byte[] peer = remote.remoteKey().bytes();
      SrtpKeys keys = SrtpKeys.fromSdes(local, peer, remote.suite().authTagBytes());
      Arrays.fill(local, (byte) 0);
      Arrays.fill(peer, (byte) 0);
      try {
        srtp = new SrtpSession(keys, ssrc);
        log.info("SRTP {} on", remote.suite());
      } catch (GeneralSecurityException e) {
        srtp = null;
        log.error("SRTP cannot be set up: {}; media held", e.toString());
      } finally {
        keys.destroy();
      }
      if (session != null) {
        synchronized (session) {
          session.close();
        }
      }
    }
    destroy(srtpBuiltFrom);
    srtpBuiltFrom = remote;
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
    if (srtpMedia) {
      if (!unprotect(packet, received)) {
        refusedSrtp();
        return;
      }
      data = srtpIn.getBuffer();
      length = srtpIn.getLength();
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

  /** Authenticates and decrypts an SRTP packet into {@link #srtpIn}; false to drop it. */
  private boolean unprotect(byte[] packet, int length) {
    SrtpSession session = srtp;
    if (session == null || length < 12 || length > srtpIn.getBuffer().length
        || (packet[0] & 0xC0) != 0x80) {
      return false;
    }
    System.arraycopy(packet, 0, srtpIn.getBuffer(), 0, length);
    srtpIn.reset(length);
    try {
      synchronized (session) {
        return session.unprotectRtp(srtpIn, ssrcAt(packet, 8)) == SrtpErrorStatus.OK
            && srtpIn.getOffset() == 0;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
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
    if (srtpMedia) {
      SrtpSession session = srtp;
      if (session == null || len > srtpOut.getBuffer().length - 32) {
        return; // no keys yet: nothing goes out in clear
      }
      System.arraycopy(packet, off, srtpOut.getBuffer(), 0, len);
      if (!session.protectRtp(srtpOut.reset(len))) {
        return;
      }
      packet = srtpOut.getBuffer();
      off = 0;
      len = srtpOut.getLength();
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
    if (srtpMedia) {
      SrtpSession session = srtp;
      if (session == null) {
        return;
      }
      System.arraycopy(rtcp, 0, srtcpOut.getBuffer(), 0, len);
      if (!session.protectRtcp(srtcpOut.reset(len))) {
        return;
      }
      report = srtcpOut.getBuffer();
      len = srtcpOut.getLength();
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
