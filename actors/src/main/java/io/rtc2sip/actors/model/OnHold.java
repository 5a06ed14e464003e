package io.rtc2sip.actors.model;

/**
 * Who holds an answered call: nobody, our RTC user ({@link #LOCAL}), the SIP peer ({@link
 * #REMOTE}) or both. One value, so that a held call cannot be held by nobody.
 */
public enum OnHold {
  NONE,
  LOCAL,
  REMOTE,
  BOTH;

  /** The value for these two sides. */
  public static OnHold of(boolean local, boolean remote) {
    if (local) {
      return remote ? BOTH : LOCAL;
    }
    return remote ? REMOTE : NONE;
  }

  /** Whether our RTC user holds. */
  public boolean local() {
    return this == LOCAL || this == BOTH;
  }

  /** Whether the SIP peer holds. */
  public boolean remote() {
    return this == REMOTE || this == BOTH;
  }

  /** Whether {@code side} holds. */
  public boolean by(HoldSide side) {
    return side == HoldSide.RTC ? local() : remote();
  }

  /** After {@code side} put the call on hold. */
  public OnHold with(HoldSide side) {
    return side == HoldSide.RTC ? of(true, remote()) : of(local(), true);
  }

  /** After {@code side} took the call off hold. */
  public OnHold without(HoldSide side) {
    return side == HoldSide.RTC ? of(false, remote()) : of(local(), false);
  }

  /** The direction we offer and bridge with (RFC 3264 section 8.4). */
  public SdpDirection direction() {
    return switch (this) {
      case NONE -> SdpDirection.SENDRECV;
      case LOCAL -> SdpDirection.SENDONLY;
      case REMOTE -> SdpDirection.RECVONLY;
      case BOTH -> SdpDirection.INACTIVE;
    };
  }
}
