package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.rtc2sip.signaling.PhoneRoutes;
import io.rtc2sip.signaling.SignalingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a node may start as configured. A node with a listener off loopback (client
 * signaling, HTTP, operator HTTP, SIP, media) is reachable from elsewhere: it must not sign
 * tokens with the development secret (it is in the sources: anyone could log in as anyone) nor
 * leave operator HTTP without credentials; and its HTTP and client signaling listeners off
 * loopback speak TLS ({@code tls = on}) unless the operator says that TLS ends in front of the
 * node ({@code rtc2sip.tls.allow-plain}); and SIP over TLS checks the servers it connects to.
 * On loopback all are allowed (a local run), with a
 * warning for the first two.
 */
final class Exposure {
  private Exposure() {}

  /** Why the node must not start; empty when it may. */
  static Optional<String> refusal(Config config) {
    List<String> exposed = new ArrayList<>();
    listeners(config).forEach((key, host) -> {
      if (!loopback(host)) {
        exposed.add(key + " = " + host);
      }
    });
    if (exposed.isEmpty()) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    if (SignalingSettings.DEFAULT_SECRET.equals(
        config.getString("rtc2sip.signaling.token-secret"))) {
      problems.add("login tokens are signed with the public development secret: set"
          + " RTC2SIP_SIGNALING_TOKEN_SECRET (rtc2sip.signaling.token-secret) to a secret of"
          + " your own");
    }
    if (OperatorAccess.Credentials.fromConfig(config).none()) {
      problems.add("operator HTTP (dashboard, /api, /metrics) has no credentials: set"
          + " RTC2SIP_OPERATOR_USER and RTC2SIP_OPERATOR_PASSWORD (or RTC2SIP_OPERATOR_TOKEN)");
    }
    List<String> plain = plainOffLoopback(config);
    if (!plain.isEmpty() && !config.getBoolean("rtc2sip.tls.allow-plain")) {
      problems.add("client and operator traffic would cross the network in clear ("
          + String.join(", ", plain) + "): set tls = on for them (RTC2SIP_HTTP_TLS,"
          + " RTC2SIP_SIGNALING_TLS, RTC2SIP_OPERATOR_HTTP_TLS), or RTC2SIP_TLS_ALLOW_PLAIN=on"
          + " when TLS ends in front of the node");
    }
    if (config.getBoolean("rtc2sip.sip.tls.enabled")
        && !config.getBoolean("rtc2sip.sip.tls.verify-server")
        && !loopback(config.getString("rtc2sip.sip.host"))) {
      problems.add("SIP over TLS would take any server's certificate"
          + " (rtc2sip.sip.tls.verify-server = off, for tests): set RTC2SIP_SIP_TLS_VERIFY_SERVER=on"
          + " and name the servers' certificates or authorities in RTC2SIP_SIP_TLS_TRUST");
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("refusing to start: listeners not on loopback (" + String.join(", ",
        exposed) + ") and " + String.join("; and ", problems)
        + " (docs/security.md, \"Before exposing a node\")");
  }

  /** The HTTP and signaling listeners off loopback with {@code tls = off}, by host key. */
  static List<String> plainOffLoopback(Config config) {
    Map<String, String> tlsKeys = new LinkedHashMap<>();
    tlsKeys.put("rtc2sip.signaling.host", "rtc2sip.signaling.tls");
    tlsKeys.put("rtc2sip.http.host", "rtc2sip.http.tls");
    if (config.getInt("rtc2sip.http.operator.port") >= 0) {
      tlsKeys.put("rtc2sip.http.operator.host", "rtc2sip.http.operator.tls");
    }
    List<String> plain = new ArrayList<>();
    tlsKeys.forEach((host, tls) -> {
      if (!loopback(config.getString(host)) && !config.getBoolean(tls)) {
        plain.add(host + " = " + config.getString(host) + " with " + tls + " = off");
      }
    });
    return plain;
  }

  /** The node's listeners' bind addresses, by configuration key. */
  static Map<String, String> listeners(Config config) {
    Map<String, String> hosts = new LinkedHashMap<>();
    for (String key : List.of("rtc2sip.signaling.host", "rtc2sip.http.host",
        "rtc2sip.sip.host", "rtc2sip.media.host")) {
      hosts.put(key, config.getString(key));
    }
    if (config.getInt("rtc2sip.http.operator.port") >= 0) {
      hosts.put("rtc2sip.http.operator.host", config.getString("rtc2sip.http.operator.host"));
    }
    return hosts;
  }

  /** A loopback address literal or {@code localhost}; names are not looked up. */
  static boolean loopback(String host) {
    String h = host.strip();
    return h.equalsIgnoreCase("localhost") || PhoneRoutes.isLoopbackLiteral(h)
        || PhoneRoutes.isLoopbackLiteral("[" + h + "]");
  }
}
