package io.rtc2sip.sip;

import java.util.List;
import java.util.Locale;
import java.util.ListIterator;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RouteHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Which 401/407 challenges to our requests get credentials: only those to a request whose next
 * hop (its first Route, else its Request-URI) is one of the allowed hosts, and, when a realm is
 * configured, only challenges in that realm. Otherwise dialling {@code sip:x@attacker} would
 * hand the attacker a digest of the trunk's password to crack.
 */
final class TrunkChallenges {
  private final List<String> hosts;
  private final String realm;
  private final Runnable refusedCounter;

  /**
   * @param hosts "host" (any port) or "host:port" entries, compared without case
   * @param realm the realm challenges must name; empty: any
   * @param refusedCounter counts each challenge refused
   */
  TrunkChallenges(List<String> hosts, String realm, Runnable refusedCounter) {
    this.refusedCounter = refusedCounter;
    this.hosts = hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT))
        .filter(h -> !h.isEmpty()).toList();
    this.realm = realm;
  }

  /** The host[:port] of a SIP URI string such as an outbound proxy, or empty. */
  static String hostOf(String sipUri, javax.sip.address.AddressFactory addresses) {
    if (sipUri == null || sipUri.isBlank()) {
      return "";
    }
    try {
      SipURI u = (SipURI) addresses.createURI(sipUri.trim());
      return u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
    } catch (Exception e) {
      return "";
    }
  }

  /** Why {@code challenge} to {@code request} gets no credentials, or null when it may. */
  String refusal(Request request, Response challenge) {
    String why = why(request, challenge);
    if (why != null) {
      refusedCounter.run();
    }
    return why;
  }

  private String why(Request request, Response challenge) {
    String hop = nextHop(request);
    if (!hostAllowed(hop)) {
      return "the request went to " + hop + ", not to the trunk (rtc2sip.sip.outbound-proxy"
          + " or rtc2sip.sip.auth.hosts)";
    }
    if (!realm.isEmpty()) {
      for (String named : realmsOf(challenge)) {
        if (!realm.equals(named)) {
          return "the challenge names realm \"" + named + "\", not the configured \"" + realm
              + "\"";
        }
      }
    }
    return null;
  }

  private boolean hostAllowed(String hop) {
    String h = hop.toLowerCase(Locale.ROOT);
    String hostOnly = h.contains(":") && !h.startsWith("[") ? h.substring(0, h.indexOf(':')) : h;
    for (String allowed : hosts) {
      if (allowed.equals(h) || allowed.equals(hostOnly)) {
        return true;
      }
    }
    return false;
  }

  private static String nextHop(Request request) {
    ListIterator<?> routes = request.getHeaders(RouteHeader.NAME);
    URI uri = routes.hasNext() ? ((RouteHeader) routes.next()).getAddress().getURI()
        : request.getRequestURI();
    if (uri instanceof SipURI s) {
      return s.getPort() > 0 ? s.getHost() + ":" + s.getPort() : s.getHost();
    }
    return String.valueOf(uri);
  }

  private static List<String> realmsOf(Response challenge) {
    List<String> realms = new java.util.ArrayList<>();
    ListIterator<?> p = challenge.getHeaders(ProxyAuthenticateHeader.NAME);
    while (p.hasNext()) {
      realms.add(((ProxyAuthenticateHeader) p.next()).getRealm());
    }
    ListIterator<?> w = challenge.getHeaders(WWWAuthenticateHeader.NAME);
    while (w.hasNext()) {
      realms.add(((WWWAuthenticateHeader) w.next()).getRealm());
    }
    return realms;
  }
}
