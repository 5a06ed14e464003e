package io.rtc2sip.signaling;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Which browser pages may open the signaling WebSocket, by their {@code Origin}: a page of the
 * node's own host (the phone it serves: the Origin's host and port are the request's Host),
 * a page on loopback, and the origins configured in {@code allowed-origins} ({@code *}: any).
 * Clients that send no Origin are not browsers and pass (they present a token anyway); the
 * check keeps other web sites' scripts from using a visitor's browser against the gateway.
 */
final class WebSocketGate {
  private final List<String> allowed;
  private final boolean any;

  WebSocketGate(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(WebSocketGate::normal).toList();
    this.any = allowed.contains("*");
  }

  /** Why the request may not open the WebSocket; empty when it may. */
  Optional<String> refusal(HttpRequest request) {
    Optional<String> origin = header(request, "origin");
    if (origin.isEmpty() || any) {
      return Optional.empty();
    }
    String o = normal(origin.get());
    if (allowed.contains(o) || loopback(o) || sameHost(o, header(request, "host"))) {
      return Optional.empty();
    }
    return Optional.of("origin " + origin.get() + " may not open the signaling WebSocket"
        + " (rtc2sip.signaling.allowed-origins)");
  }

  private static Optional<String> header(HttpRequest request, String name) {
    for (HttpHeader h : request.getHeaders()) {
      if (h.lowercaseName().equals(name)) {
        return Optional.of(h.value().strip());
      }
    }
    return Optional.empty();
  }

  private static boolean loopback(String origin) {
    String host = host(origin);
    return host != null && (host.equals("localhost") || host.equals("[::1]")
        || PhoneRoutes.isLoopbackLiteral(host));
  }

  private static boolean sameHost(String origin, Optional<String> hostHeader) {
    if (hostHeader.isEmpty()) {
      return false;
    }
    String authority = authority(origin);
    String host = hostHeader.get().toLowerCase(Locale.ROOT);
    if (authority == null) {
      return false;
    }
    return authority.equals(host) || authority.equals(withDefaultPort(origin, host));
  }

  /** {@code host} with the origin scheme's default port added, if it has none. */
  private static String withDefaultPort(String origin, String host) {
    if (host.matches(".*:\\d+$") && !host.endsWith("]")) {
      return host;
    }
    return host + (origin.startsWith("https:") ? ":443" : ":80");
  }

  private static String authority(String origin) {
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null) {
        return null;
      }
      return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (Exception e) {
      return null;
    }
  }

  private static String host(String origin) {
    try {
      return new URI(origin).getHost();
    } catch (Exception e) {
      return null;
    }
  }

  private static String normal(String origin) {
    String o = origin.strip().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
