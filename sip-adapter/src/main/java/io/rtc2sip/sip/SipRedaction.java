package io.rtc2sip.sip;

import java.util.regex.Pattern;

/**
 * Takes SDES keys out of SIP text before it is logged or kept: every {@code inline:} key
 * parameter of a crypto attribute (RFC 4568) becomes {@code inline:[redacted]}, so the SIP trace
 * shows {@code a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[redacted]|2^31} and anyone who reads a
 * log or the dashboard still cannot decrypt the call.
 */
public final class SipRedaction {
  private static final Pattern KEY = Pattern.compile("(?i)(inline:)[^\\s|;\"]+");

  private SipRedaction() {}

  /** {@code text} without key material; null stays null. */
  public static String redact(String text) {
    return text == null ? null : KEY.matcher(text).replaceAll("$1[redacted]");
  }
}
