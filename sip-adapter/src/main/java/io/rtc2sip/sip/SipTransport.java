package io.rtc2sip.sip;

import javax.sip.address.SipURI;
import javax.sip.address.URI;

/** The transport a request takes to a hop, the one rule for Via, Contact, TLS checks and SRTP. */
public final class SipTransport {
  private SipTransport() {}

  /**
   * The transport to a hop as the stack's router picks it: TLS for a {@code sips:} URI, else the
   * URI's transport parameter, else UDP (lower case).
   */
  public static String of(URI uri) {
    if (uri instanceof SipURI s) {
      if (s.isSecure()) {
        return "tls";
      }
      if (s.getTransportParam() != null) {
        return s.getTransportParam().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return "udp";
  }
}
