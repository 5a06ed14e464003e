package io.rtc2sip.webrtc;

import io.rtc2sip.actors.Mdc;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.rtcp.ReceiverStats;
import io.rtc2sip.codec.rtcp.RtcpReport;
import io.rtc2sip.codec.rtcp.RtcpWriter;
import io.rtc2sip.media.PacketRing;
import io.rtc2sip.media.RtpPorts;
import io.rtc2sip.media.srtp.SrtpKeys;
import io.rtc2sip.media.srtp.SrtpSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser leg of one call: one UDP socket carrying STUN, DTLS, SRTP and SRTCP (RFC 7983),
 * the ICE-lite checks, the DTLS handshake, SRTP, and the codec ({@link LegAudio}).
 *
 * <p>Threads: datagrams arrive on the node's WebRTC socket thread ({@link #received}), which
 * answers ICE checks, hands DTLS records to the handshake and queues SRTP packets; the media
 * clock exchanges 10 ms frames ({@link #poll}, {@link #publish}), decrypting and encrypting on
 * its own thread; the node's timer checks that the browser is there ({@link #checkLiveness}).
 * Only packets from addresses that passed an ICE check (MESSAGE-INTEGRITY with this leg's
 * password) are taken: DTLS from anyone else is dropped; media goes to the first address whose
 * check passed, then to the one the browser nominated. The browser is alive while SRTP/SRTCP
 * packets that authenticate (or its consent checks) arrive; RTCP sender reports carry a report
 * block on the browser's stream.
 */
final class BrowserLeg implements RtcAudio {
  private static final Logger log = LoggerFactory.getLogger(BrowserLeg.class);
  private static final int MAX_ADDRESSES = 4;
  /** Packets older than this when the media clock comes for them are stale. */
  private static final long STALE_NANOS = 300_000_000L;
  private static final long RTCP_INTERVAL_NANOS = 5_000_000_000L;

  final String callId;
  private final DatagramChannel channel;
  private final InetSocketAddress local;
  private final IceLite ice;
  private final IceLite.Credentials credentials;
  private final DtlsConnection dtls;
  private final LegAudio audio;
  private final WebRtcLegs.Listener listener;
  private final LongSupplier clock;
  private final long connectTimeoutNanos;
  private final long peerTimeoutNanos;
  private final int ssrc;
  private final String cname;
  private final long createdNanos;
  private final PacketRing ring = new PacketRing(64);
  private final AtomicBoolean reported = new AtomicBoolean();
  private final AtomicLong refused = new AtomicLong();
  private final java.util.function.Consumer<BrowserLeg> onClose;
  private final java.util.function.LongConsumer onConnected;

  // written by the socket thread, read by others
  private volatile InetSocketAddress[] verified = new InetSocketAddress[0];
  private volatile InetSocketAddress selected;
  private volatile InetSocketAddress nominated;
  /** When the browser last proved itself: a valid ICE check or an authenticated packet. */
  private volatile long lastHeardNanos;
  private volatile boolean checked;
  // written by a DTLS thread
  private volatile SrtpSession srtp;
  private volatile long connectedNanos;
  private final AtomicBoolean closed = new AtomicBoolean();

  // media clock thread only
  private final SrtpSession.Packet inbound = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final SrtpSession.Packet outbound = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(PacketRing.MAX_PACKET + 64);
  private final byte[] rtcp = new byte[256];
  private final ReceiverStats[] sources = new ReceiverStats[1];
  private long pollNanos;
  private long nextRtcpNanos;
  private final AtomicLong sendFailures = new AtomicLong();
  private final PacketRing.Sink fromRing = (data, length, arrival, source) ->
      unprotect(data, length, arrival, true);
  private final PacketRing.Sink authenticateOnly = (data, length, arrival, source) ->
      unprotect(data, length, arrival, false);

  BrowserLeg(String callId, DatagramChannel channel, InetSocketAddress local, IceLite ice,
      IceLite.Credentials credentials, DtlsConnection.Factory dtls, BrowserOffer offer,
      AudioFactory audio, int ssrc, WebRtcLegs.Listener listener, WebRtcSettings settings,
      LongSupplier clock, java.util.function.Consumer<BrowserLeg> onClose,
      java.util.function.LongConsumer onConnected) {
    this.onClose = onClose;
    this.onConnected = onConnected;
    this.callId = callId;
    this.channel = channel;
    this.local = local;
    this.ice = ice;
    this.credentials = credentials;
    this.listener = listener;
    this.clock = clock;
    this.ssrc = ssrc;
    this.cname = "rtc2sip-" + Integer.toHexString(ssrc);
    this.connectTimeoutNanos = settings.connectTimeout().toNanos();
    this.peerTimeoutNanos = settings.peerTimeout().toNanos();
    this.createdNanos = clock.getAsLong();
    this.dtls = dtls.create(offer, this::sendDtls, new DtlsEvents());
    this.audio = audio.create(this::sendRtp);
  }

  /** Makes the codec side of a leg, given where its packets go. */
  interface AudioFactory {
    LegAudio create(io.rtc2sip.codec.pipeline.PacketSink sink);
  }

  int ssrc() {
    return ssrc;
  }

  String cname() {
    return cname;
  }

  // ---------------------------------------------------------------- socket thread

  /** A datagram on the leg's socket, demultiplexed by its first byte (RFC 7983). */
  void received(ByteBuffer datagram, SocketAddress source, long arrivalNanos) {
    if (closed.get() || datagram.remaining() == 0
        || !(source instanceof InetSocketAddress from)) {
      return;
    }
    int first = datagram.get(datagram.position()) & 0xFF;
    if (first < 4) {
      stun(datagram, from, arrivalNanos);
    } else if (first >= 20 && first < 64) {
      // ICE checks set the media address before any DTLS can pass this check
      if (!isVerified(from) || !dtls.received(datagram)) {
        refused.incrementAndGet();
      }
    } else if (first >= 128 && first < 192) {
      // authenticated (and liveness taken) on the media clock, off this thread
      if (srtp == null || !isVerified(from) || !ring.offer(datagram, from, arrivalNanos)) {
        refused.incrementAndGet();
      }
    } else {
      refused.incrementAndGet();
    }
  }

  private void stun(ByteBuffer datagram, InetSocketAddress from, long arrivalNanos) {
    byte[] data = new byte[datagram.remaining()];
    datagram.get(data);
    IceLite.Outcome outcome = ice.handle(credentials, data, data.length, from, local,
        (response, to) -> send(ByteBuffer.wrap(response), to));
    if (outcome == IceLite.Outcome.REFUSED) {
      refused.incrementAndGet();
      return;
    }
    lastHeardNanos = arrivalNanos;
    if (!isVerified(from)) {
      InetSocketAddress[] old = verified;
      if (old.length < MAX_ADDRESSES) {
        InetSocketAddress[] grown = java.util.Arrays.copyOf(old, old.length + 1);
        grown[old.length] = from;
        verified = grown;
      }
    }
    if (!checked) {
      checked = true;
      logForCall("WebRTC: first ICE check from {} after {} ms", from,
          (arrivalNanos - createdNanos) / 1_000_000);
    }
    // media goes to the first address that passed a check (the browser listens where it checks
    // from), and to the nominated one once the browser nominates: waiting for the nomination
    // would hold the first audio back by seconds (Chromium nominates late)
    if (outcome == IceLite.Outcome.NOMINATED && !from.equals(nominated)) {
      nominated = from;
      selected = from;
      logForCall("WebRTC: browser nominated {}", from);
    } else if (selected == null) {
      selected = from;
    }
  }

  private boolean isVerified(InetSocketAddress from) {
    for (InetSocketAddress a : verified) {
      if (a.equals(from)) {
        return true;
      }
    }
    return false;
  }

  private void sendDtls(byte[] data, int offset, int length) throws IOException {
    InetSocketAddress to = selected;
    if (to == null) {
      throw new IOException("no ICE-verified address to send DTLS to");
    }
    channel.send(ByteBuffer.wrap(data, offset, length), to);
  }

  private void send(ByteBuffer data, InetSocketAddress to) {
    try {
      channel.send(data, to);
    } catch (IOException e) {
      sendFailures.incrementAndGet();
    }
  }

  // ---------------------------------------------------------------- media clock

  /** Frames at G.711's 8 kHz: the media bridge does not resample for a browser leg. */
  @Override
  public int sampleRate() {
    return 8000;
  }

  @Override
  public boolean listening() {
    return srtp != null && selected != null && !closed.get();
  }

  @Override
  public boolean poll(short[] out) {
    if (closed.get()) {
      return false;
    }
    pollNanos = clock.getAsLong();
    ring.drain(fromRing);
    return audio.pull(out, pollNanos);
  }

  /** No use for the browser's audio this tick: what arrived is authenticated and dropped. */
  @Override
  public void skip() {
    if (closed.get()) {
      return;
    }
    pollNanos = clock.getAsLong();
    ring.drain(authenticateOnly);
  }

  /** Authenticates and decrypts a packet; one that passes proves the browser is there. */
  private void unprotect(byte[] data, int length, long arrivalNanos, boolean deliver) {
    SrtpSession session = srtp;
    if (session == null || length < 12) {
      return;
    }
    System.arraycopy(data, 0, inbound.getBuffer(), 0, length);
    inbound.reset(length);
    int packetType = data[1] & 0xFF;
    boolean isRtcp = packetType >= 192 && packetType <= 223; // RFC 5761 4
    int ssrcOf = (data[isRtcp ? 4 : 8] & 0xFF) << 24 | (data[isRtcp ? 5 : 9] & 0xFF) << 16
        | (data[isRtcp ? 6 : 10] & 0xFF) << 8 | data[isRtcp ? 7 : 11] & 0xFF;
    try {
      SrtpErrorStatus status = isRtcp ? session.unprotectRtcp(inbound, ssrcOf)
          : session.unprotectRtp(inbound, ssrcOf);
      if (status != SrtpErrorStatus.OK) {
        refused.incrementAndGet(); // failed authentication, replay or an extra source
        return;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      refused.incrementAndGet();
      return;
    }
    if (arrivalNanos > lastHeardNanos) {
      lastHeardNanos = arrivalNanos;
    }
    if (!isRtcp && deliver && pollNanos - arrivalNanos <= STALE_NANOS) {
      audio.received(inbound.getBuffer(), inbound.getOffset(), inbound.getLength(), arrivalNanos);
    } else if (isRtcp && packetType == RtcpReport.SR && inbound.getLength() >= 28) {
      senderReport(inbound.getBuffer(), inbound.getOffset(), ssrcOf, arrivalNanos);
    }
  }

  /** The browser's sender report: its time, echoed in our report block so it can measure RTT. */
  private void senderReport(byte[] data, int offset, int from, long arrivalNanos) {
    ReceiverStats stats = audio.receiverStats();
    if (stats != null && stats.ssrc() == from) {
      int ntpMiddle = (data[offset + 10] & 0xFF) << 24 | (data[offset + 11] & 0xFF) << 16
          | (data[offset + 12] & 0xFF) << 8 | data[offset + 13] & 0xFF;
      stats.onSenderReport(ntpMiddle, arrivalNanos);
    }
  }

  @Override
  public void publish(short[] frame) {
    if (!listening()) {
      return;
    }
    audio.push(frame);
    long now = pollNanos != 0 ? pollNanos : clock.getAsLong();
    if (now >= nextRtcpNanos) {
      nextRtcpNanos = now + RTCP_INTERVAL_NANOS;
      sendRtcp();
    }
  }

  private void sendRtp(byte[] packet, int offset, int length) {
    SrtpSession session = srtp;
    InetSocketAddress to = selected;
    if (session == null || to == null || closed.get()) {
      return;
    }
    System.arraycopy(packet, offset, outbound.getBuffer(), 0, length);
    outbound.reset(length);
    if (session.protectRtp(outbound)) {
      transmit(to);
    }
  }

  private void sendRtcp() {
    SrtpSession session = srtp;
    InetSocketAddress to = selected;
    if (session == null || to == null) {
      return;
    }
    long ntp = RtcpWriter.ntp(System.currentTimeMillis() * 1_000_000L);
    sources[0] = audio.receiverStats(); // a report block on the browser's stream, once it sends
    int n = RtcpWriter.senderReport(rtcp, 0, ssrc, ntp, audio.nextTimestamp(),
        audio.packetsSent(), audio.octetsSent(), sources, sources[0] == null ? 0 : 1, pollNanos);
    n += RtcpWriter.sdesCname(rtcp, n, ssrc, cname);
    System.arraycopy(rtcp, 0, outbound.getBuffer(), 0, n);
    outbound.reset(n);
    if (session.protectRtcp(outbound)) {
      transmit(to);
    }
  }

  private void transmit(InetSocketAddress to) {
    sendBuffer.clear();
    sendBuffer.put(outbound.getBuffer(), 0, outbound.getLength()).flip();
    try {
      channel.send(sendBuffer, to);
    } catch (IOException e) {
      sendFailures.incrementAndGet();
    }
  }

  // ---------------------------------------------------------------- timer

  /** Ends the leg when the browser never connected or went quiet (the node's timer). */
  void checkLiveness(long nowNanos) {
    if (closed.get() || reported.get()) {
      return;
    }
    if (srtp == null && nowNanos - createdNanos > connectTimeoutNanos) {
      fail(checked
          ? "DTLS with the browser did not complete within " + connectTimeoutNanos / 1_000_000
              + " ms"
          : "no ICE connectivity check from the browser within " + connectTimeoutNanos / 1_000_000
              + " ms");
    } else if (srtp != null && nowNanos - lastHeardNanos > peerTimeoutNanos) {
      leave("nothing from the browser for " + (nowNanos - lastHeardNanos) / 1_000_000 + " ms");
    }
  }

  private void fail(String reason) {
    if (!closed.get() && reported.compareAndSet(false, true)) {
      logForCall("WebRTC leg failed: {}", reason);
      listener.failed(reason);
    }
  }

  private void leave(String reason) {
    if (!closed.get() && reported.compareAndSet(false, true)) {
      logForCall("WebRTC leg ended by the browser: {}", reason);
      listener.left(reason);
    }
  }

  /**
   * Packets dropped: from unverified sources, failing SRTP authentication or replay checks,
   * malformed or of another payload type, or beyond the queue to the media clock.
   */
  long refused() {
    return refused.get() + ring.dropped() + audio.refused();
  }

  /** Packets of the browser's that never arrived. */
  long lost() {
    return audio.lost();
  }

  /** Milliseconds from the answer to DTLS connected; -1 while not connected. */
  long connectMillis() {
    return connectedNanos == 0 ? -1 : (connectedNanos - createdNanos) / 1_000_000;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    onClose.accept(this);
    ice.unregister(credentials);
    dtls.close(() -> RtpPorts.closeQuietly(channel));
    audio.close();
    SrtpSession session = srtp;
    if (session != null) {
      session.close();
    }
    logForCall("WebRTC leg closed ({} packets refused, {} sends failed)", refused(),
        sendFailures.get());
  }

  private void logForCall(String format, Object... args) {
    Mdc.runWithCall(callId, () -> log.info(format, args));
  }

  /** The DTLS handshake's outcome. */
  private final class DtlsEvents implements DtlsConnection.Events {
    @Override
    public void connected(SrtpKeys keys) {
      try {
        SrtpSession session;
        try {
          session = new SrtpSession(keys, ssrc);
        } finally {
          keys.destroy(); // the session holds its own copies
        }
        srtp = session;
        if (closed.get()) {
          session.close(); // close() may have looked before it was set
          return;
        }
        connectedNanos = clock.getAsLong();
        lastHeardNanos = connectedNanos;
        logForCall("WebRTC leg connected in {} ms ({})", connectMillis(), audio);
        onConnected.accept(connectMillis());
      } catch (GeneralSecurityException e) {
        fail("SRTP could not be set up: " + e);
      }
    }

    @Override
    public void closed(String reason) {
      leave(reason);
    }

    @Override
    public void failed(String reason) {
      fail(reason);
    }
  }
}
