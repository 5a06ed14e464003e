package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.prometheus.metrics.core.metrics.Counter;
import io.rtc2sip.signaling.PhoneRoutes;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may use the operator's HTTP (dashboard, /api, /metrics): a client with the configured
 * HTTP Basic credentials or bearer token ({@code rtc2sip.http.operator}), compared in constant
 * time; without any configured, only a client on this machine (the TCP peer and every address
 * in forwarding headers loopback), so that a local run's dashboard works and nothing else does.
 */
final class OperatorAccess extends AllDirectives {
  static final String CHALLENGE = "Basic realm=\"rtc2sip operator\", charset=\"UTF-8\"";
  static final String SET_CREDENTIALS = "set RTC2SIP_OPERATOR_USER and RTC2SIP_OPERATOR_PASSWORD"
      + " (or RTC2SIP_OPERATOR_TOKEN) to use operator HTTP from elsewhere";

  /** The configured credentials; empty strings are unset. */
  record Credentials(String user, String password, String token) {
    static Credentials fromConfig(Config config) {
      Config c = config.getConfig("rtc2sip.http.operator");
      return new Credentials(c.getString("user"), c.getString("password"),
          c.getString("token"));
    }

    boolean basic() {
      return !user.isEmpty() && !password.isEmpty();
    }

    boolean bearer() {
      return !token.isEmpty();
    }

    /** No way to log in is configured. */
    boolean none() {
      return !basic() && !bearer();
    }
  }

  /** What becomes of a request. */
  sealed interface Decision {
    record Allowed() implements Decision {}

    record Unauthorized() implements Decision {}

    record Forbidden(String reason) implements Decision {}
  }

  private final Credentials credentials;
  private final Counter refused;

  OperatorAccess(Credentials credentials) {
    this(credentials, null);
  }

  /** @param refused counts refusals by reason ({@code rtc2sip_http_refused_total}), or null */
  OperatorAccess(Credentials credentials, Counter refused) {
    if (!credentials.user().isEmpty() && credentials.password().isEmpty()
        || credentials.user().isEmpty() && !credentials.password().isEmpty()) {
      throw new IllegalArgumentException("rtc2sip.http.operator: set both user and password"
          + " (RTC2SIP_OPERATOR_USER, RTC2SIP_OPERATOR_PASSWORD) or neither");
    }
    this.credentials = credentials;
    this.refused = refused;
  }

  Credentials credentials() {
    return credentials;
  }

  /**
   * @param peer the TCP peer's address, if known
   * @param forwarded the addresses forwarding headers name ({@link PhoneRoutes#forwardedFor})
   * @param authorization the request's Authorization header
   * @param host the request's Host header: without credentials it must name loopback too, so
   *     that a web page whose name an attacker points at 127.0.0.1 (DNS rebinding) cannot read
   *     a local node's operator HTTP through the visitor's browser
   */
  Decision decide(Optional<InetAddress> peer, List<String> forwarded,
      Optional<String> authorization, Optional<String> host) {
    if (credentials.none()) {
      boolean local = peer.map(InetAddress::isLoopbackAddress).orElse(false)
          && forwarded.stream().allMatch(PhoneRoutes::isLoopbackLiteral)
          && host.map(OperatorAccess::loopbackHost).orElse(false);
      return local ? new Decision.Allowed() : new Decision.Forbidden(
          "operator HTTP has no credentials configured and answers only this machine: "
              + SET_CREDENTIALS);
    }
    return authorization.filter(this::valid).isPresent()
        ? new Decision.Allowed() : new Decision.Unauthorized();
  }

  /** {@code localhost} or a loopback literal, with or without a port. */
  static boolean loopbackHost(String hostHeader) {
    String h = hostHeader.strip().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("localhost")) {
      return h.equals("localhost") || h.matches("localhost:\\d+");
    }
    return PhoneRoutes.isLoopbackLiteral(h);
  }

  private boolean valid(String authorization) {
    String a = authorization.strip();
    if (credentials.bearer() && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return same(a.substring(7).strip(), credentials.token());
    }
    if (credentials.basic() && a.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(a.substring(6).strip()),
            StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return false;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return false;
      }
      // both compared, always: the time taken does not tell which one was wrong
      boolean user = same(decoded.substring(0, colon), credentials.user());
      boolean password = same(decoded.substring(colon + 1), credentials.password());
      return user & password;
    }
    return false;
  }

  /** Constant-time comparison of the SHA-256 digests (lengths do not leak either). */
  private static boolean same(String given, String expected) {
    return MessageDigest.isEqual(sha256(given), sha256(expected));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code inner} for allowed requests; 401 with a Basic challenge or 403 for the others. */
  Route guard(Supplier<Route> inner) {
    return optionalAttribute(AttributeKeys.remoteAddress, remote ->
        extractRequest(request -> {
          Decision d = decide(remote.flatMap(RemoteAddress::getAddress),
              PhoneRoutes.forwardedFor(request), header(request, "authorization"),
              header(request, "host"));
          if (d instanceof Decision.Allowed) {
            return inner.get();
          }
          if (d instanceof Decision.Forbidden f) {
            count("no-credentials"); // counted, not logged: a scanner would flood the log
            return complete(StatusCodes.FORBIDDEN, f.reason());
          }
          count("unauthorized");
          return complete(HttpResponse.create().withStatus(StatusCodes.UNAUTHORIZED)
              .addHeader(RawHeader.create("WWW-Authenticate", CHALLENGE))
              .withEntity("operator credentials needed (HTTP Basic, or Authorization: Bearer)"));
        }));
  }

  private void count(String reason) {
    if (refused != null) {
      refused.labelValues(reason).inc();
    }
  }

  private static Optional<String> header(HttpRequest request, String name) {
    for (HttpHeader h : request.getHeaders()) {
      if (h.lowercaseName().equals(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }
}
