package io.rtc2sip.media;

import io.rtc2sip.codec.rtp.RtpPacket;
import io.rtc2sip.codec.rtp.RtpParseResult;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Which RTP packets a call takes, and where it sends its own: the latching rule of a SIP call's
 * media. A packet is taken only if it is valid RTP (version 2, a header that parses, a payload
 * type of the negotiated set: the codec's or telephone-event's) and comes from
 * <ul>
 *   <li>the address the peer's SDP named: always; the call then sends there;</li>
 *   <li>with symmetric latching on, any source while the latch window is open (from media start,
 *       or from an SDP naming another address, for {@code windowNanos}, until the first valid
 *       packet latches): the call then sends to that source, as phones behind NAT need;</li>
 *   <li>the source latched so.</li>
 * </ul>
 * Everything else is refused and never moves the destination. Used on the media clock thread
 * only; {@link #destination()} may be read from others.
 */
final class RtpLatch {
  /** What became of one packet. */
  enum Verdict {
    /** From the source the call sends to. */
    ACCEPTED,
    /** Taken, and the call now sends to its source. */
    LATCHED,
    /** Valid RTP from a source the call does not take packets from. */
    FOREIGN_SOURCE,
    /** Not RTP: too short, another version, a header that does not parse. */
    MALFORMED,
    /** RTP of a payload type that was not negotiated. */
    PAYLOAD_TYPE;

    boolean taken() {
      return this == ACCEPTED || this == LATCHED;
    }
  }

  private final boolean symmetric;
  private final long windowNanos;
  private final RtpPacket packet = new RtpPacket();
  private InetSocketAddress described;
  private int payloadType = -1;
  private int eventPayloadType = -1;
  private boolean expected;
  private boolean windowOpen;
  private long windowStart;
  private SocketAddress latched;
  private volatile SocketAddress destination;

  /**
   * @param symmetric whether a source other than the SDP's may latch during the window
   * @param windowNanos how long after media start (or a new remote) such a source may latch
   */
  RtpLatch(boolean symmetric, long windowNanos) {
    this.symmetric = symmetric;
    this.windowNanos = windowNanos;
  }

  /**
   * The peer's SDP and the negotiated payload types, at media start and whenever they may have
   * changed: an address other than the one before opens a new latch window (a re-INVITE that
   * moves the media), the same one keeps the latch.
   */
  void expect(InetSocketAddress sdpAddress, int codecPayloadType, int telephoneEventPayloadType,
      long nowNanos) {
    this.payloadType = codecPayloadType;
    this.eventPayloadType = telephoneEventPayloadType;
    if (expected && Objects.equals(sdpAddress, described)) {
      return;
    }
    expected = true;
    described = sdpAddress;
    latched = null;
    windowOpen = true;
    windowStart = nowNanos;
    destination = sdpAddress;
  }

  /** Checks one received packet; a taken packet may move the destination (see the class). */
  Verdict check(byte[] data, int length, SocketAddress source, long nowNanos) {
    RtpParseResult parsed = packet.parse(data, 0, length);
    if (parsed != RtpParseResult.OK) {
      return Verdict.MALFORMED;
    }
    int pt = packet.payloadType();
    if (pt != payloadType && (eventPayloadType < 0 || pt != eventPayloadType)) {
      return Verdict.PAYLOAD_TYPE;
    }
    if (source.equals(latched)) {
      return Verdict.ACCEPTED;
    }
    if (source.equals(described) || (symmetric && windowOpen(nowNanos))) {
      latched = source;
      windowOpen = false;
      destination = source;
      return Verdict.LATCHED;
    }
    return Verdict.FOREIGN_SOURCE;
  }

  private boolean windowOpen(long nowNanos) {
    if (windowOpen && nowNanos - windowStart > windowNanos) {
      windowOpen = false;
    }
    return windowOpen;
  }

  /** Where the call sends RTP (its RTCP to the next port): the latched source or the SDP's. */
  SocketAddress destination() {
    return destination;
  }
}
