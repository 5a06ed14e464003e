package io.rtc2sip.actors.model;

/** Who put the call on hold (or took it off hold). */
public enum HoldSide {
  /** The RTC user pressed hold in the app. */
  RTC,
  /** The SIP peer sent a re-INVITE with a sendonly/inactive offer (or a sendrecv one to resume). */
  SIP
}
