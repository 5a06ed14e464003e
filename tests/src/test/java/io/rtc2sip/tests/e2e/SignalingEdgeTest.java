package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import io.rtc2sip.tests.dashboard.Prometheus;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.TestNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The signaling edge of a real node: bad call requests answered at once (no call, no wait for
 * a timeout), the login deadline, and a browser page of another origin refused the WebSocket
 * while the node's own phone page gets it.
 */
class SignalingEdgeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Tokens TOKENS =
      new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.systemUTC());
  /** Opens a WebSocket from the current page: "open", or "refused" if the server said no. */
  private static final String WEBSOCKET_PROBE = """
      const done = arguments[arguments.length - 1];
      const ws = new WebSocket(arguments[0]);
      ws.onopen = () => { ws.close(); done('open'); };
      ws.onerror = () => done('refused');
      """;
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, FreePorts.next(),
        Map.of("rtc2sip.signaling.login-timeout", "2s"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static final class Connection implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Connection() throws Exception {
      socket = new Socket("127.0.0.1", node.signalingPort);
      socket.setSoTimeout(15_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    JsonNode request(String json) throws Exception {
      out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line = in.readLine();
      if (line == null) {
        throw new AssertionError("connection closed");
      }
      return JSON.readTree(line);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static Map<String, Double> metrics() throws Exception {
    return Prometheus.parse(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.httpPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void badCallRequestsAreAnsweredAtOnceAndMakeNoCall() throws Exception {
    try (Connection c = new Connection()) {
      assertEquals("result", c.request("{\"type\":\"login\",\"uid\":\"edge\",\"token\":\""
          + TOKENS.issue("edge", Duration.ofMinutes(5)) + "\"}").get("type").asText());
      long start = System.nanoTime();
      JsonNode empty = c.request("{\"id\":\"1\",\"type\":\"call\",\"to\":\"+4930\","
          + "\"channel\":\"\"}");
      assertEquals("bad-message", empty.get("code").asText(), empty.toString());
      JsonNode other = c.request("{\"id\":\"2\",\"type\":\"call\",\"to\":\"+4930\","
          + "\"channel\":\"call-o-somebody-elses\"}");
      assertEquals("bad-message", other.get("code").asText(), other.toString());
      JsonNode target = c.request("{\"id\":\"3\",\"type\":\"call\",\"to\":\"sip:a b@pbx\"}");
      assertEquals("bad-target", target.get("code").asText(), target.toString());
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(took < 2000, "answered after " + took + " ms");
      JsonNode calls = c.request("{\"id\":\"4\",\"type\":\"calls\"}");
      assertEquals(0, calls.get("calls").size(), calls.toString());
    }
    Map<String, Double> m = metrics();
    assertEquals(2.0, m.get("rtc2sip_signaling_refused_total{reason=bad-message}"),
        m.toString());
    assertEquals(1.0, m.get("rtc2sip_signaling_refused_total{reason=bad-target}"));
  }

  @Test
  void aConnectionThatOnlyPingsIsClosedAtTheLoginDeadline() throws Exception {
    try (Connection c = new Connection()) {
      long start = System.nanoTime();
      assertEquals("pong", c.request("{\"type\":\"ping\"}").get("type").asText());
      String line = c.in.readLine();
      assertEquals("login-timeout", JSON.readTree(line).get("code").asText(), line);
      assertEquals(null, c.in.readLine(), "closed");
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(took >= 1500 && took < 6000, "closed after " + took + " ms");
    }
  }

  @Test
  void aPageOfAnotherOriginMayNotOpenTheWebSocket() throws Exception {
    String ws = "ws://127.0.0.1:" + node.httpPort + "/signaling";
    ChromeOptions options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    // another web site, as the browser sees it (its name resolved to this machine, no DNS)
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--host-resolver-rules=MAP other-site.example 127.0.0.1");
    ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(),
        options);
    try {
      browser.get("http://other-site.example:" + node.httpPort + "/");
      assertEquals("refused", browser.executeAsyncScript(WEBSOCKET_PROBE, ws));
      browser.get("http://127.0.0.1:" + node.httpPort + "/phone");
      assertEquals("open", browser.executeAsyncScript(WEBSOCKET_PROBE, ws));
    } finally {
      browser.quit();
    }
    assertEquals(1.0, metrics().get("rtc2sip_signaling_refused_total{reason=origin}"));
  }
}
