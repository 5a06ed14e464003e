package io.rtc2sip.actors.model;

/**
 * The media direction attribute the gateway offers from its point of view (RFC 3264 section 8.4):
 * holding sends {@code sendonly}; if the peer holds too, {@code inactive}.
 */
public enum SdpDirection {
  SENDRECV,
  SENDONLY,
  RECVONLY,
  INACTIVE;

  /** The direction to offer given who holds the call. */
  public static SdpDirection of(boolean localHold, boolean remoteHold) {
    if (localHold && remoteHold) {
      return INACTIVE;
    }
    if (localHold) {
      return SENDONLY;
    }
    return remoteHold ? RECVONLY : SENDRECV;
  }
}
