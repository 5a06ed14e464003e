package io.rtc2sip.signaling;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import java.text.ParseException;
import java.util.Optional;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/**
 * Whether the {@code to} of a {@code call} or {@code transfer} can become a SIP request: the
 * call entity makes {@code sip:<to>@<sip domain>} of anything that is not a {@code sip:} or
 * {@code sips:} URI, and the SIP adapter parses that with JAIN-SIP as Request-URI and To. The
 * same parser checks it here, so a target the SIP side would fail on is refused before a call
 * exists (docs/signaling.md, {@code bad-target}).
 */
final class CallTargets {
  /** Longer targets are refused outright: no number or SIP URI of ours needs more. */
  static final int MAX_LENGTH = 256;
  /** Stands in for the SIP domain the entity appends to numbers and user names. */
  private static final String SOME_DOMAIN = "gateway.invalid";

  private static final AddressFactory ADDRESSES = new AddressFactoryImpl();

  private CallTargets() {}

  /** Why {@code target} cannot be called; empty when it can. */
  static Optional<String> problem(String target) {
    String t = target.strip();
    if (t.isEmpty()) {
      return Optional.of("'to' is empty");
    }
    if (t.length() > MAX_LENGTH) {
      return Optional.of("'to' has more than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      if (ch <= ' ' || ch == 0x7f || ch == '<' || ch == '>' || ch == '"') {
        return Optional.of("'to' must be a phone number or a SIP URI without spaces, quotes or"
            + " angle brackets");
      }
    }
    boolean uri = t.startsWith("sip:") || t.startsWith("sips:");
    String remote = uri ? t : "sip:" + t + "@" + SOME_DOMAIN;
    try {
      URI parsed = ADDRESSES.createURI(remote);
      ADDRESSES.createAddress(remote);
      if (!(parsed instanceof SipURI sip) || sip.getHost() == null || sip.getHost().isEmpty()) {
        return Optional.of("'" + t + "' is not a SIP URI with a host");
      }
      if (sip.getPort() != -1 && (sip.getPort() < 1 || sip.getPort() > 65535)) {
        return Optional.of("'" + t + "' names port " + sip.getPort() + ", not one of 1-65535");
      }
      if (!uri && !t.equals(sip.getUser())) {
        return Optional.of("'" + t + "' is neither a phone number nor a SIP user name (a SIP"
            + " URI starts with sip: or sips:)");
      }
      return Optional.empty();
    } catch (ParseException | RuntimeException e) {
      return Optional.of("'" + t + "' cannot be parsed as a phone number or SIP URI");
    }
  }
}
