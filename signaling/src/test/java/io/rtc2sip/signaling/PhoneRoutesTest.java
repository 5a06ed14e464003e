package io.rtc2sip.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The phone's routes over real HTTP on loopback: static files, and development tokens on a node
 * with the development secret and on one with another secret. The listener gets the client's
 * address from this module's reference.conf (remote-address-attribute).
 */
class PhoneRoutesTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ServerBinding development;
  private static ServerBinding production;

  @BeforeAll
  static void bind() throws Exception {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    development = bind(new PhoneRoutes(SignalingSettings.DEFAULT_SECRET, clock));
    production = bind(new PhoneRoutes("an-operator's-own-secret", clock,
        java.util.List.of("ws://gw1.example:8080/signaling", "wss://gw2.example/signaling")));
  }

  private static ServerBinding bind(PhoneRoutes routes) throws Exception {
    return Http.get(KIT.system()).newServerAt("127.0.0.1", 0).bind(routes.route())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void shutdown() throws Exception {
    development.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    production.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    KIT.shutdownTestKit();
  }

  @Test
  void theDevelopmentSecretGivesLoopbackATwelveHourToken() throws Exception {
    HttpResponse<String> response = get(development, "/phone/dev-token?uid=alice.b%2Bdev@x-1");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", contentType(response));
    JsonNode json = Protocol.JSON.readTree(response.body());
    assertEquals("alice.b+dev@x-1", json.get("uid").asText());
    String token = json.get("token").asText();
    assertEquals(Optional.empty(), tokensAt(NOW.plus(Duration.ofHours(12)).minusSeconds(1))
        .reject("alice.b+dev@x-1", token));
    assertEquals(Optional.of("token expired"),
        tokensAt(NOW.plus(Duration.ofHours(12))).reject("alice.b+dev@x-1", token));
  }

  @Test
  void thePageLearnsTheSignalingUrlsOfTheClusterNodes() throws Exception {
    JsonNode listed = Protocol.JSON.readTree(get(production, "/phone/config").body());
    assertEquals("[\"ws://gw1.example:8080/signaling\",\"wss://gw2.example/signaling\"]",
        listed.get("signalingUrls").toString());
    JsonNode none = Protocol.JSON.readTree(get(development, "/phone/config").body());
    assertEquals(0, none.get("signalingUrls").size()); // the page uses its own node's URL
  }

  @Test
  void anotherSecretGivesNoTokens() throws Exception {
    HttpResponse<String> response = get(production, "/phone/dev-token?uid=alice");
    assertEquals(403, response.statusCode());
    assertEquals(PhoneRoutes.REFUSED, response.body());
  }

  @Test
  void aBrowserBehindAProxyIsNotLoopback() throws Exception {
    for (String[] header : new String[][] {
        {"X-Forwarded-For", "203.0.113.7"},
        // a client's own claim, with the proxy's append: the first entry is not to be believed
        {"X-Forwarded-For", "127.0.0.1, 203.0.113.7"},
        {"X-Real-Ip", "203.0.113.7"},
        {"Forwarded", "for=127.0.0.1, for=\"[2001:db8::7]:4711\""},
        {"X-Forwarded-For", "unknown"}}) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(
          uri(development, "/phone/dev-token?uid=alice")).header(header[0], header[1]).build());
      assertEquals(403, response.statusCode(), String.join(": ", header));
    }
    HttpResponse<String> local = send(HttpRequest.newBuilder(
        uri(development, "/phone/dev-token?uid=alice"))
        .header("X-Forwarded-For", "127.0.0.1, ::1").header("Forwarded", "for=\"[::1]:80\"")
        .build());
    assertEquals(200, local.statusCode(), "a proxy on this machine for a browser on it");
  }

  @Test
  void aBadUidIsRefused() throws Exception {
    for (String query : List.of("", "?uid=", "?uid=%20", "?uid=a%7Cb", "?uid=a%20b",
        "?uid=" + "u".repeat(65))) {
      HttpResponse<String> response = get(development, "/phone/dev-token" + query);
      assertEquals(400, response.statusCode(), query);
      assertTrue(response.body().startsWith("uid: 1 to 64 characters"), response.body());
    }
    assertEquals(200, get(development, "/phone/dev-token?uid=" + "u".repeat(64)).statusCode());
  }

  /**
   * The decision itself, for the addresses the tests above cannot produce: a connection from
   * another machine needs a non-loopback interface, which a test machine may not have.
   */
  @Test
  void onlyLoopbackWithTheDevelopmentSecretGetsTokens() throws Exception {
    Optional<InetAddress> v4 = Optional.of(InetAddress.getByName("127.0.0.1"));
    Optional<InetAddress> v6 = Optional.of(InetAddress.getByName("::1"));
    Optional<InetAddress> remote = Optional.of(InetAddress.getByName("203.0.113.7"));
    Optional<String> local = Optional.of("127.0.0.1:8080");
    assertTrue(PhoneRoutes.allowed(true, v4, List.of(), local));
    assertTrue(PhoneRoutes.allowed(true, v6, List.of("127.0.0.2", "[::1]"),
        Optional.of("localhost:8080")));
    assertFalse(PhoneRoutes.allowed(false, v4, List.of(), local), "another secret");
    assertFalse(PhoneRoutes.allowed(true, remote, List.of("127.0.0.1"), local),
        "a remote client claiming 127.0.0.1");
    assertFalse(PhoneRoutes.allowed(true, v4, List.of("127.0.0.1", "203.0.113.7"), local),
        "a remote client behind a local proxy");
    assertFalse(PhoneRoutes.allowed(true, Optional.empty(), List.of(), local),
        "unknown connection");
    assertFalse(PhoneRoutes.allowed(true, v4, List.of(), Optional.of("rebound.example:8080")),
        "a page of another site whose name points at 127.0.0.1 (DNS rebinding)");
    assertFalse(PhoneRoutes.allowed(true, v4, List.of(), Optional.empty()), "no Host");
  }

  @Test
  void onlyLocalhostAndLoopbackLiteralsAreLoopbackHosts() {
    for (String yes : List.of("localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:8080",
        "[::1]:8080")) {
      assertTrue(PhoneRoutes.isLoopbackHost(yes), yes);
    }
    for (String no : List.of("", "localhost.example", "localhost:x", "rebound.example",
        "203.0.113.7:8080")) {
      assertFalse(PhoneRoutes.isLoopbackHost(no), no);
    }
  }

  @Test
  void onlyLoopbackLiteralsAreLoopback() {
    for (String yes : List.of("127.0.0.1", "127.1.2.3", " 127.0.0.1:8080", "::1", "[::1]",
        "[::1]:443", "0:0:0:0:0:0:0:1")) {
      assertTrue(PhoneRoutes.isLoopbackLiteral(yes), yes);
    }
    for (String no : List.of("", "localhost", "unknown", "_hidden", "203.0.113.7", "10.0.0.1:80",
        "127.0.0.256", "1277.0.0.1", "::2", "[2001:db8::1]:80", "[::1", "::1::2",
        "127.0.0.1.evil.example")) {
      assertFalse(PhoneRoutes.isLoopbackLiteral(no), no);
    }
  }

  @Test
  void thePageIsServedUncached() throws Exception {
    for (String path : List.of("/phone", "/phone/")) {
      HttpResponse<String> page = get(production, path);
      assertEquals(200, page.statusCode(), path);
      assertEquals("text/html; charset=UTF-8", contentType(page));
      assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
      // the ids the automated browser tests drive the page by
      for (String id : List.of("uid", "token", "dev-token", "login", "status", "number", "call",
          "keypad", "incoming", "incoming-from", "answer", "reject", "hangup", "hold", "mute",
          "transfer-to", "transfer", "timer", "call-state", "end-cause", "mic-level",
          "speaker-level", "calls", "error")) {
        assertTrue(page.body().contains("id=\"" + id + "\""), id);
      }
    }
    HttpResponse<String> js = get(production, "/phone/phone.js");
    assertEquals(200, js.statusCode());
    assertEquals("application/javascript; charset=UTF-8", contentType(js));
    assertTrue(js.body().contains("window.phone"));
    assertEquals("no-cache", js.headers().firstValue("Cache-Control").orElse(""));
    HttpResponse<String> css = get(production, "/phone/phone.css");
    assertEquals(200, css.statusCode());
    assertEquals("text/css; charset=UTF-8", contentType(css));
    assertEquals(404, get(production, "/phone/nothing.js").statusCode());
  }

  private static Tokens tokensAt(Instant instant) {
    return new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.fixed(instant, ZoneOffset.UTC));
  }

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private static HttpResponse<String> get(ServerBinding binding, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(binding, path)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ServerBinding binding, String path) {
    return URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
  }
}
