package io.rtc2sip.signaling;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The browser phone, {@code GET /phone} (static files under {@code phone/} on the class path: a
 * WebRTC client of the signaling protocol), and {@code GET /phone/dev-token?uid=}: a login token
 * for trying it out, given only by a node that still signs with the built-in development secret
 * and only to a browser on the node's own machine.
 */
public final class PhoneRoutes extends AllDirectives {
  /** A day's trying out; the token is worthless elsewhere anyway (the secret is public). */
  static final Duration DEV_TOKEN_VALIDITY = Duration.ofHours(12);
  static final String REFUSED = "development tokens are only given out while the development"
      + " secret is in use, and only to loopback (mint tokens with bin/rtc2sip token <uid>)";
  private static final Pattern UID = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final ContentType JS =
      MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);
  private static final ContentType CSS = MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8);

  private final boolean developmentSecret;
  private final Tokens tokens;
  private final String config;

  /** The routes of a node whose login tokens are signed with {@code tokenSecret}. */
  public PhoneRoutes(String tokenSecret, Clock clock) {
    this(tokenSecret, clock, List.of());
  }

  /**
   * As above; {@code GET /phone/config} gives the page {@code signalingUrls}, the WebSocket URLs
   * of the cluster's nodes it tries in turn (empty: only the node that served it).
   */
  public PhoneRoutes(String tokenSecret, Clock clock, List<String> signalingUrls) {
    this.developmentSecret = SignalingSettings.DEFAULT_SECRET.equals(tokenSecret);
    this.tokens = new Tokens(tokenSecret, clock);
    com.fasterxml.jackson.databind.node.ObjectNode c = Protocol.JSON.createObjectNode();
    signalingUrls.forEach(c.putArray("signalingUrls")::add);
    this.config = c.toString();
  }

  /** Edits of the page reach the browser at once: it asks again every time (304 if unchanged). */
  public Route route() {
    return pathPrefix("phone", () -> respondWithHeader(
        CacheControl.create(CacheDirectives.NO_CACHE), () -> concat(
            pathEndOrSingleSlash(() -> get(() -> resource("index.html",
                ContentTypes.TEXT_HTML_UTF8))),
            path("phone.js", () -> get(() -> resource("phone.js", JS))),
            path("phone.css", () -> get(() -> resource("phone.css", CSS))),
            path("config", () -> get(() -> complete(HttpResponse.create()
                .withEntity(ContentTypes.APPLICATION_JSON, config)))),
            path("dev-token", () -> get(this::devToken)))));
  }

  private Route resource(String name, ContentType type) {
    return getFromResource("phone/" + name, type);
  }

  private Route devToken() {
    return optionalAttribute(AttributeKeys.remoteAddress, connection ->
        extractRequest(request -> parameterOptional("uid", uid -> {
          if (!allowed(developmentSecret, connection.flatMap(RemoteAddress::getAddress),
              forwardedFor(request), request.getHeader("Host").map(HttpHeader::value))) {
            return complete(StatusCodes.FORBIDDEN, REFUSED);
          }
          if (uid.isEmpty() || !UID.matcher(uid.get()).matches()) {
            return complete(StatusCodes.BAD_REQUEST,
                "uid: 1 to 64 characters, letters A-Z a-z, digits and . _ - @ +");
          }
          String json = Protocol.JSON.createObjectNode().put("uid", uid.get())
              .put("token", tokens.issue(uid.get(), DEV_TOKEN_VALIDITY)).toString();
          return complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json));
        })));
  }

  /**
   * Every address the request's forwarding headers name (X-Forwarded-For, X-Real-Ip and the
   * {@code for=} of Forwarded, RFC 7239), as written: a proxy appends to what the client sent,
   * so no single entry can be trusted and all are checked.
   */
  public static List<String> forwardedFor(HttpRequest request) {
    List<String> addresses = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      String name = header.lowercaseName();
      if (name.equals("x-forwarded-for") || name.equals("x-real-ip")) {
        for (String entry : header.value().split(",")) {
          addresses.add(entry.trim());
        }
      } else if (name.equals("forwarded")) {
        for (String element : header.value().split("[,;]")) {
          String pair = element.trim();
          if (pair.regionMatches(true, 0, "for=", 0, 4)) {
            addresses.add(pair.substring(4).replace("\"", ""));
          }
        }
      }
    }
    return addresses;
  }

  /**
   * Whether a development token may be given out: only while tokens are signed with the
   * development secret (it is in the sources, so its tokens prove nothing), and only to this
   * machine: the TCP peer ({@code connection}) is loopback, and so is every address a forwarding
   * header names ({@code forwarded}; behind a proxy on this machine every connection is
   * loopback, and a remote client can write 127.0.0.1 into the headers, but not remove what the
   * proxy adds). An unknown or unparsable address is not loopback. The Host header must name
   * this machine too ({@code host}), so that a page of another site whose name an attacker
   * points at 127.0.0.1 (DNS rebinding) cannot fetch tokens through the visitor's browser.
   */
  static boolean allowed(boolean developmentSecret, Optional<InetAddress> connection,
      List<String> forwarded, Optional<String> host) {
    return developmentSecret
        && connection.map(InetAddress::isLoopbackAddress).orElse(false)
        && forwarded.stream().allMatch(PhoneRoutes::isLoopbackLiteral)
        && host.map(PhoneRoutes::isLoopbackHost).orElse(false);
  }

  /** A Host header naming this machine: {@code localhost} or a loopback literal, with or without a port. */
  public static boolean isLoopbackHost(String hostHeader) {
    String h = hostHeader.strip().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("localhost")) {
      return h.equals("localhost") || h.matches("localhost:\\d+");
    }
    return isLoopbackLiteral(h);
  }

  /** An IP literal, with or without brackets and a port, that is loopback; no name lookups. */
  public static boolean isLoopbackLiteral(String address) {
    String a = address.trim();
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      a = close < 0 ? "" : a.substring(1, close);
    } else if (a.indexOf(':') == a.lastIndexOf(':') && a.indexOf(':') > 0) {
      a = a.substring(0, a.indexOf(':')); // IPv4 with a port
    }
    if (IPV4.matcher(a).matches()) {
      for (String octet : a.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return a.startsWith("127.");
    }
    if (!IPV6.matcher(a).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(a).isLoopbackAddress(); // with a colon: parsed, never looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
