package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.app.tls.NodeTls;
import io.rtc2sip.metrics.NodeMetrics;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator HTTP (dashboard, /api, /metrics) needs the configured credentials; client routes
 * (WebSocket signaling, the phone) do not; without credentials operator HTTP answers loopback
 * clients only; on its own listener when configured so, over HTTPS with its {@code tls}.
 */
class OperatorHttpTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Directives D = new Directives();
  private ActorTestKit kit;
  @TempDir Path dataDir;

  private static final class Directives extends AllDirectives {}

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private NodeHttp.Bindings start(Map<String, Object> operator) throws Exception {
    return start(operator, Map.of());
  }

  /** With {@code more} settings besides operator HTTP's. */
  private NodeHttp.Bindings start(Map<String, Object> operator, Map<String, Object> more)
      throws Exception {
    Config config = ConfigFactory.parseMap(more).withFallback(ConfigFactory.parseMap(Map.of(
            "rtc2sip.http.host", "127.0.0.1", "rtc2sip.http.port", 0,
            "pekko.actor.provider", "local", "pekko.coordinated-shutdown.exit-jvm", "off")))
        .withFallback(ConfigFactory.parseMap(Map.of("rtc2sip.http.operator", operator)))
        .withFallback(ConfigFactory.parseMap(Map.of(
            "rtc2sip.http.operator.user", "", "rtc2sip.http.operator.password", "",
            "rtc2sip.http.operator.token", "", "rtc2sip.http.operator.host", "127.0.0.1",
            "rtc2sip.http.operator.port", -1)))
        .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("operator-http", config);
    List<Route> client = List.of(D.path("signaling", () -> D.complete("client")),
        D.pathPrefix("phone", () -> D.complete("phone")));
    List<Route> operatorRoutes = List.of(D.path("metrics", () -> D.complete("metrics")),
        D.pathPrefix("dashboard", () -> D.complete("dashboard")));
    return NodeHttp.bind(kit.system(), client, operatorRoutes);
  }

  private static HttpResponse<String> get(int port, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  private long refused(String reason) {
    String scrape = NodeMetrics.get(kit.system()).scrape();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("rtc2sip_http_refused_total{reason=\"" + reason + "\"}")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void operatorRoutesNeedTheCredentialsClientRoutesDoNot() throws Exception {
    int port = start(Map.of("user", "ops", "password", "s3cret-pass", "token", "scrape-token"))
        .main().localAddress().getPort();
    for (String path : List.of("/metrics", "/dashboard", "/dashboard/events")) {
      HttpResponse<String> r = get(port, path);
      assertEquals(401, r.statusCode(), path);
      assertEquals("Basic realm=\"rtc2sip operator\", charset=\"UTF-8\"",
          r.headers().firstValue("WWW-Authenticate").orElse(""));
    }
    assertEquals(401, get(port, "/metrics", "Authorization", basic("ops", "wrong")).statusCode());
    assertEquals(401, get(port, "/metrics", "Authorization", basic("other", "s3cret-pass"))
        .statusCode());
    assertEquals(401, get(port, "/metrics", "Authorization", "Bearer nope").statusCode());
    assertEquals(6, refused("unauthorized"));
    assertEquals("metrics", get(port, "/metrics", "Authorization", basic("ops", "s3cret-pass"))
        .body());
    assertEquals("dashboard", get(port, "/dashboard", "Authorization",
        basic("ops", "s3cret-pass")).body());
    assertEquals("metrics", get(port, "/metrics", "Authorization", "Bearer scrape-token")
        .body());
    assertEquals("client", get(port, "/signaling").body());
    assertEquals("phone", get(port, "/phone").body());
  }

  @Test
  void withoutCredentialsOperatorHttpAnswersLoopbackOnly() throws Exception {
    int port = start(Map.of()).main().localAddress().getPort();
    assertEquals("metrics", get(port, "/metrics").body());
    HttpResponse<String> proxied = get(port, "/metrics", "X-Forwarded-For", "203.0.113.7");
    assertEquals(403, proxied.statusCode());
    assertTrue(proxied.body().contains("RTC2SIP_OPERATOR_USER"), proxied.body());
    assertEquals(1, refused("no-credentials"));
    assertEquals("client", get(port, "/signaling", "X-Forwarded-For", "203.0.113.7").body());

    OperatorAccess open = new OperatorAccess(new OperatorAccess.Credentials("", "", ""));
    Optional<InetAddress> loopback = Optional.of(InetAddress.getByName("127.0.0.1"));
    assertInstanceOf(OperatorAccess.Decision.Forbidden.class, open.decide(
        Optional.of(InetAddress.getByName("192.0.2.10")), List.of(), Optional.empty(),
        Optional.of("192.0.2.1:8080")));
    for (String host : List.of("localhost:8080", "localhost", "127.0.0.1:8080", "[::1]:8080")) {
      assertInstanceOf(OperatorAccess.Decision.Allowed.class, open.decide(loopback,
          List.of("::1"), Optional.empty(), Optional.of(host)), host);
    }
    assertInstanceOf(OperatorAccess.Decision.Forbidden.class, open.decide(
        Optional.empty(), List.of(), Optional.empty(), Optional.of("localhost")));
    // a page whose name was pointed at 127.0.0.1 (DNS rebinding) reads nothing
    for (String host : List.of("rebound.example:8080", "localhost.example", "")) {
      assertInstanceOf(OperatorAccess.Decision.Forbidden.class, open.decide(loopback,
          List.of(), Optional.empty(), Optional.of(host)), host);
    }
  }

  @Test
  void operatorHttpOnItsOwnListener() throws Exception {
    NodeHttp.Bindings b = start(Map.of("port", 0, "user", "ops", "password", "s3cret-pass"));
    int main = b.main().localAddress().getPort();
    int operator = b.operator().orElseThrow().localAddress().getPort();
    assertTrue(main != operator);
    assertEquals(404, get(main, "/metrics", "Authorization", basic("ops", "s3cret-pass"))
        .statusCode());
    assertEquals("client", get(main, "/signaling").body());
    assertEquals(401, get(operator, "/metrics").statusCode());
    assertEquals("metrics", get(operator, "/metrics", "Authorization",
        basic("ops", "s3cret-pass")).body());
    assertEquals(404, get(operator, "/signaling", "Authorization",
        basic("ops", "s3cret-pass")).statusCode());
  }

  @Test
  void operatorHttpOnItsOwnListenerOverHttpsWhileTheMainOneIsPlain() throws Exception {
    NodeHttp.Bindings b = start(Map.of("port", 0, "user", "ops", "password", "s3cret-pass",
        "tls", "on"), Map.of("rtc2sip.data-dir", dataDir.toString()));
    int main = b.main().localAddress().getPort();
    int operator = b.operator().orElseThrow().localAddress().getPort();
    assertEquals("client", get(main, "/signaling").body());
    SSLContext trusting = SSLContext.getInstance("TLS");
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("node",
        NodeTls.get(kit.system()).certificate().orElseThrow().certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    trusting.init(null, trust.getTrustManagers(), null);
    HttpResponse<String> metrics = HttpClient.newBuilder().sslContext(trusting).build().send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + operator + "/metrics"))
            .header("Authorization", basic("ops", "s3cret-pass")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("metrics", metrics.body());
    assertThrows(java.io.IOException.class, () -> get(operator, "/metrics", "Authorization",
        basic("ops", "s3cret-pass")));
  }
}
