package io.rtc2sip.actors.model;

import java.util.Locale;

/**
 * The target of a transfer as a {@code Refer-To} URI carries it: the URI to call and, for an
 * attended transfer, the {@link Replaces} the call to it must carry (RFC 3515 2.1, RFC 3891).
 * Of the headers a Refer-To URI may embed, only Replaces is taken: the others (Route, Via,
 * Call-ID, From, Contact...) would let the transferor steer a request we send, so they are
 * dropped, as RFC 3261 19.1.5 advises.
 *
 * @param uri the URI to call, without headers
 * @param replaces the dialog the call replaces at the target; null for a blind transfer
 */
public record ReferTarget(String uri, Replaces replaces) {

  public ReferTarget {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("a transfer target needs a URI");
    }
  }

  /**
   * Reads a Refer-To URI (without its angle brackets).
   *
   * @throws IllegalArgumentException when it embeds a Replaces that is not one (RFC 3891 6.1)
   */
  public static ReferTarget parse(String referTo) {
    String value = referTo.trim();
    int q = value.indexOf('?');
    if (q < 0) {
      return new ReferTarget(value, null);
    }
    Replaces replaces = null;
    for (String header : value.substring(q + 1).split("&")) {
      int eq = header.indexOf('=');
      String name = (eq < 0 ? header : header.substring(0, eq)).trim();
      if (name.toLowerCase(Locale.ROOT).equals("replaces")) {
        replaces = Replaces.parseEscaped(eq < 0 ? "" : header.substring(eq + 1));
      }
    }
    return new ReferTarget(value.substring(0, q), replaces);
  }

  /** The Refer-To URI: {@link #uri} and, with a Replaces, {@code ?Replaces=} escaped. */
  public String referToUri() {
    return replaces == null ? uri : uri + "?Replaces=" + replaces.uriEscaped();
  }
}
