package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.CliUser;
import io.rtc2sip.tests.support.NodeTrust;
import io.rtc2sip.tests.support.PhonePage;
import io.rtc2sip.webrtc.testing.Chromium;
import io.rtc2sip.tests.support.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code tls = on} for HTTP and signaling, on its generated self-signed certificate,
 * reached by real clients that trust that certificate: the CLI over TLS places a call, an HTTPS
 * client reads the API, a WSS client logs in, the phone page in Chromium (trusting the node's
 * key) logs in over HTTPS and WSS and places a call; plain HTTP and plain TCP get nothing from
 * the TLS ports.
 */
class TlsListenersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static TestNode node;
  private static Path certificate;
  private static SSLContext trusting;

  @BeforeAll
  static void start() throws Exception {
    int sipPort = Sipp.freeUdpPort();
    node = TestNode.start(dir, sipPort, Map.of("rtc2sip.http.tls", "on",
        "rtc2sip.signaling.tls", "on"));
    certificate = NodeTrust.generatedCertificate(dir.resolve("node-" + sipPort));
    trusting = NodeTrust.trusting(certificate);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theCliOverTlsPlacesACall() throws Exception {
    try (CliUser carol = CliUser.start("carol", "--port", "" + node.signalingPort, "--tls",
        "--trust", certificate.toString());
        Sipp uas = Sipp.uas("uas_answer", 0)) {
      carol.command("call sip:uas@127.0.0.1:" + uas.port);
      String answered = carol.await(l -> l.contains("\"type\":\"answered\""), WAIT);
      carol.command("hangup " + answered.replaceAll(".*\"callId\":\"([^\"]+)\".*", "$1"));
      carol.await(l -> l.contains("\"type\":\"ended\""), WAIT);
      uas.assertByeAnswered();
    }
  }

  @Test
  void aPlainTcpClientGetsNoSignalingFromTheTlsPort() throws Exception {
    try (Socket plain = new Socket("127.0.0.1", node.signalingPort)) {
      plain.setSoTimeout((int) WAIT.toMillis());
      plain.getOutputStream().write(("{\"type\":\"login\",\"uid\":\"mallory\",\"token\":\"x\"}\n")
          .getBytes(StandardCharsets.UTF_8));
      InputStream in = plain.getInputStream();
      int first = in.read();
      // the server answers a non-TLS record with a TLS alert (0x15) or just closes; never JSON
      assertNotEquals('{', first, "a JSON reply on the TLS port");
      assertTrue(first == -1 || first == 0x15, "first byte " + first);
    }
  }

  @Test
  void httpsServesTheApiAndPlainHttpGetsNothing() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(trusting)
        .connectTimeout(WAIT).build();
    HttpResponse<String> calls = https.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + node.httpPort + "/api/calls")).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, calls.statusCode(), calls.body());
    HttpResponse<String> dashboard = https.send(HttpRequest.newBuilder(
        URI.create("https://localhost:" + node.httpPort + "/dashboard")).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, dashboard.statusCode(), dashboard.body());
    HttpClient plain = HttpClient.newBuilder().connectTimeout(WAIT).build();
    assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.httpPort + "/api/calls")).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString()));
    // without trusting the node's certificate, no connection either
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(WAIT).build();
    assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> untrusting.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpPort + "/"))
            .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void thePhonePageOverHttpsLogsInOverWssAndCalls() throws Exception {
    Chromium browser = Chromium.start(Chromium.toneWav(dir.resolve("mic.wav"), 1000, 48000, 5),
        List.of("--ignore-certificate-errors-spki-list=" + NodeTrust.spkiHash(certificate)));
    try (Sipp uas = Sipp.uas("uas_answer", 0)) {
      PhonePage page = new PhonePage(browser, "https://127.0.0.1:" + node.httpPort)
          .login("paula");
      assertTrue(browser.driver().getCurrentUrl().startsWith("https://"),
          browser.driver().getCurrentUrl());
      page.call("sip:uas@127.0.0.1:" + uas.port);
      try {
        page.awaitState("active");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; page: " + page.describe(), e);
      }
      page.click("hangup");
      page.awaitState("ended");
    } finally {
      browser.close();
    }
  }

  @Test
  void aWebSocketOverWssLogsIn() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = HttpClient.newBuilder().sslContext(trusting).build().newWebSocketBuilder()
        .buildAsync(URI.create("wss://127.0.0.1:" + node.httpPort + "/signaling"),
            new WebSocket.Listener() {
              private final StringBuilder text = new StringBuilder();

              @Override
              public CompletionStage<?> onText(WebSocket socket, CharSequence data,
                  boolean last) {
                text.append(data);
                if (last) {
                  reply.complete(text.toString());
                }
                socket.request(1);
                return null;
              }
            })
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    String token = new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.systemUTC())
        .issue("dave", Duration.ofMinutes(5));
    ws.sendText("{\"id\":\"1\",\"type\":\"login\",\"uid\":\"dave\",\"token\":\"" + token
        + "\"}", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    String login = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(login.contains("\"type\":\"result\"") && login.contains("\"id\":\"1\""), login);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
