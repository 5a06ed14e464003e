package io.rtc2sip.actors.model;

/**
 * The media direction attribute the gateway offers from its point of view (RFC 3264 section 8.4):
 * holding sends {@code sendonly}; if the peer holds too, {@code inactive} ({@link OnHold#direction()}).
 */
public enum SdpDirection {
  SENDRECV,
  SENDONLY,
  RECVONLY,
  INACTIVE
}
