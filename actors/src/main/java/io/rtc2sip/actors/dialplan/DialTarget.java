package io.rtc2sip.actors.dialplan;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A dialled destination as the dial plan sees it: the user part (a number or name) and the host
 * of its SIP URI, written {@code user@host}. Normalised so that one destination has one
 * spelling: scheme, display name, angle brackets, URI parameters and headers and the port are
 * dropped, %-escapes are decoded, the host is lower case, and a telephone number loses its
 * visual separators ({@code +1 (900) 555-0100} is {@code +19005550100}). A target without a host
 * (a bare number) gets the gateway's SIP domain, as the call itself does.
 */
public record DialTarget(String user, String host) {

  /** Normalises {@code target} (a SIP URI or a number); {@code sipDomain} fills a missing host. */
  public static DialTarget of(String target, String sipDomain) {
    String t = target == null ? "" : target.strip();
    int open = t.indexOf('<');
    if (open >= 0) {
      int close = t.indexOf('>', open);
      t = close > open ? t.substring(open + 1, close) : t.substring(open + 1);
    }
    String lower = t.toLowerCase(Locale.ROOT);
    for (String scheme : new String[] {"sips:", "sip:", "tel:"}) {
      if (lower.startsWith(scheme)) {
        t = t.substring(scheme.length());
        break;
      }
    }
    int headers = t.indexOf('?');
    if (headers >= 0) {
      t = t.substring(0, headers);
    }
    int at = t.lastIndexOf('@');
    String user = at >= 0 ? t.substring(0, at) : t;
    String host = at >= 0 ? t.substring(at + 1) : sipDomain;
    user = cut(user, ';');
    user = cut(user, ':'); // user:password
    user = decode(user);
    if (user.matches("[+0-9*#()\\-. ]+")) {
      user = user.replaceAll("[()\\-. ]", "");
    }
    host = cut(host == null ? "" : host, ';');
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      host = end > 0 ? host.substring(0, end + 1) : host;
    } else {
      host = cut(host, ':');
    }
    return new DialTarget(user, host.toLowerCase(Locale.ROOT));
  }

  private static String cut(String s, char c) {
    int i = s.indexOf(c);
    return i >= 0 ? s.substring(0, i) : s;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a broken escape: matched as written
    }
  }

  @Override
  public String toString() {
    return user + "@" + host;
  }
}
