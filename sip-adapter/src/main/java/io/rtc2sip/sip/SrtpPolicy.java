package io.rtc2sip.sip;

import java.util.Locale;

/**
 * Whether the SIP leg's media is SRTP with SDES keys ({@code rtc2sip.sip.srtp.policy},
 * RTC2SIP_SIP_SRTP). Keys are only ever exchanged over TLS signaling ({@link SdesDecision}).
 */
public enum SrtpPolicy {
  /** Plain RTP only: no crypto offered, an offer only in RTP/SAVP is refused (488). */
  OFF,
  /**
   * SRTP when the peer takes it: our offers are RTP/AVP with crypto lines (best effort, as
   * baresip's and Asterisk's), plain RTP when the peer answers without; offers in RTP/SAVP or
   * RTP/AVP with crypto get SRTP.
   */
  OPTIONAL,
  /** SRTP or no call: our offers are RTP/SAVP; plain offers, answers and clear signaling fail. */
  REQUIRED;

  /** The policy of a setting's value ({@code off}, {@code optional}, {@code required}). */
  public static SrtpPolicy of(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rtc2sip.sip.srtp.policy must be off, optional or"
          + " required, not " + value);
    }
  }
}
