package io.rtc2sip.actors.model;

/** Which side started the call. */
public enum CallDirection {
  /** An RTC client calls a SIP destination: the gateway is the SIP UAC and owns the Call-ID. */
  OUTBOUND,
  /** A SIP peer calls an RTC user: the gateway is the SIP UAS. */
  INBOUND
}
