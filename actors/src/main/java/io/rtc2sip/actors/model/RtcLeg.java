package io.rtc2sip.actors.model;

/**
 * The RTC side of a call: the channel the media bridge joins and the uid of the RTC user in it.
 * Enough to rejoin the channel from another node after failover, unless {@code browser}: the
 * user's audio is a WebRTC leg the gateway terminates itself (ICE, DTLS, SRTP on the node that
 * runs the call), which no other node can take over.
 */
public record RtcLeg(String channel, String uid, boolean browser) {
  public RtcLeg {
    if (channel == null || channel.isBlank() || uid == null || uid.isBlank()) {
      throw new IllegalArgumentException("an RTC leg needs a channel and a uid");
    }
  }

  /** A leg in an RTC channel (Agora or the loopback network). */
  public RtcLeg(String channel, String uid) {
    this(channel, uid, false);
  }

  /** This leg, carried by a browser's WebRTC. */
  public RtcLeg asBrowser() {
    return browser ? this : new RtcLeg(channel, uid, true);
  }
}
