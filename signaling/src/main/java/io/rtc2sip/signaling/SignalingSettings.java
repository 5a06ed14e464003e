package io.rtc2sip.signaling;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the signaling server ({@code rtc2sip.signaling}).
 *
 * @param maxConnections client connections (TCP and WebSocket) the node holds at most
 * @param maxConnectionsPerAddress of those, from one source address
 * @param loginTimeout a connection not logged in by then is closed
 * @param maxRefused refused messages after which a connection is closed (over its whole life)
 * @param allowedOrigins browser origins ({@code https://app.example.com}) allowed to open the
 *     WebSocket; empty: only the node's own host and loopback; {@code *}: any
 * @param publicUrls the WebSocket URLs of the cluster's nodes ({@code ws://h1:8080/signaling}),
 *     which the phone page tries in turn when its connection is lost; empty: only the node that
 *     served the page
 */
public record SignalingSettings(
    String host,
    int port,
    String tokenSecret,
    int maxLine,
    Duration idleTimeout,
    int rateLimit,
    Duration askTimeout,
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration loginTimeout,
    int maxRefused,
    List<String> allowedOrigins,
    List<String> publicUrls) {

  public static final String DEFAULT_SECRET = "rtc2sip-local-development-secret";

  public SignalingSettings {
    if (tokenSecret == null || tokenSecret.length() < 16) {
      throw new IllegalArgumentException(
          "rtc2sip.signaling.token-secret must have at least 16 characters");
    }
    if (maxLine < 256 || rateLimit < 1) {
      throw new IllegalArgumentException("rtc2sip.signaling: max-line >= 256, rate-limit >= 1");
    }
    if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxRefused < 1) {
      throw new IllegalArgumentException("rtc2sip.signaling: max-connections,"
          + " max-connections-per-address and max-refused must be at least 1");
    }
    allowedOrigins = List.copyOf(allowedOrigins);
    publicUrls = List.copyOf(publicUrls);
    for (String url : publicUrls) {
      if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
        throw new IllegalArgumentException("rtc2sip.signaling.public-urls: a WebSocket URL"
            + " (ws://host:port/signaling or wss://...), not " + url);
      }
    }
  }

  /** Settings without other nodes' URLs for the phone page. */
  public SignalingSettings(String host, int port, String tokenSecret, int maxLine,
      Duration idleTimeout, int rateLimit, Duration askTimeout, int maxConnections,
      int maxConnectionsPerAddress, Duration loginTimeout, int maxRefused,
      List<String> allowedOrigins) {
    this(host, port, tokenSecret, maxLine, idleTimeout, rateLimit, askTimeout, maxConnections,
        maxConnectionsPerAddress, loginTimeout, maxRefused, allowedOrigins, List.of());
  }

  /** Whether tokens are signed with the development secret, which is in the sources. */
  public boolean developmentSecret() {
    return DEFAULT_SECRET.equals(tokenSecret);
  }

  public static SignalingSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.signaling");
    return new SignalingSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getString("token-secret"),
        c.getInt("max-line"),
        c.getDuration("idle-timeout"),
        c.getInt("rate-limit"),
        c.getDuration("ask-timeout"),
        c.getInt("max-connections"),
        c.getInt("max-connections-per-address"),
        c.getDuration("login-timeout"),
        c.getInt("max-refused"),
        origins(c.getString("allowed-origins")),
        origins(c.getString("public-urls")));
  }

  /** The entries of a comma-separated list, without blanks. */
  private static List<String> origins(String commaSeparated) {
    return java.util.Arrays.stream(commaSeparated.split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
