package io.rtc2sip.actors.model;

/**
 * One end of a call.
 *
 * @param kind whether the party is an RTC user or a SIP address
 * @param address the RTC uid, or the SIP URI (e.g. {@code sip:+4930123@pbx.example})
 * @param displayName shown to the other side; may be empty, never null
 */
public record Party(Kind kind, String address, String displayName) {

  /** Where a party lives. */
  public enum Kind {
    RTC,
    SIP
  }

  public Party {
    if (kind == null || address == null || address.isBlank()) {
      throw new IllegalArgumentException("a party needs a kind and an address");
    }
    displayName = displayName == null ? "" : displayName;
  }

  public static Party rtc(String uid) {
    return new Party(Kind.RTC, uid, "");
  }

  public static Party sip(String uri) {
    return new Party(Kind.SIP, uri, "");
  }
}
