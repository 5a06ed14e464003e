package io.rtc2sip.tests.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import io.rtc2sip.testkit.Until;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as an operator runs it ({@code rtc2sip run}): its own JVM, embedded PostgreSQL, ready
 * on /ready, clean stop on SIGTERM, same data after a restart.
 */
class NodeLifecycleTest {
  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void comesUpReadyStopsCleanlyOnSigtermAndRestartsOnItsData() throws Exception {
    Map<String, String> env = env();
    Path logs = Path.of("target", "node-logs", "lifecycle");
    int mgmt = Integer.parseInt(env.get("RTC2SIP_MANAGEMENT_PORT"));

    try (NodeProcess node = NodeProcess.start("first", "io.rtc2sip.app.Main", env, logs)) {
      node.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(90));
      assertTrue(node.linesMatching(l -> l.contains("management listening on http://127.0.0.1:" + mgmt)).size() == 1);
      assertTrue(node.linesMatching(l -> l.contains("cluster remoting listening on pekko://rtc2sip@127.0.0.1:")).size() == 1);
      assertEquals("OK", awaitReady(mgmt));
      assertTrue(get(mgmt, "/cluster/members").contains("\"status\":\"Up\""));

      int exit = node.terminate(Duration.ofSeconds(60));
      assertTrue(exit == 0 || exit == 143, "exit code " + exit);
      assertEquals(1, node.linesMatching(l -> l.contains("embedded PostgreSQL stopped")).size(), node.tail(20));
      assertTrue(node.linesMatching(l -> l.contains("Exiting completed")).size() == 1, "left the cluster");
    }
    assertTrue(Files.isRegularFile(dataDir.resolve("postgres").resolve("PG_VERSION")));

    try (NodeProcess again = NodeProcess.start("second", "io.rtc2sip.app.Main", env, logs)) {
      again.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(90));
      assertEquals("OK", awaitReady(mgmt));
      assertTrue(again.linesMatching(l -> l.contains("ERROR")).isEmpty(), again.tail(40));
      again.terminate(Duration.ofSeconds(60));
    }
  }

  private Map<String, String> env() {
    return Map.of(
        "RTC2SIP_DATA_DIR", dataDir.toString(),
        "RTC2SIP_NODE_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_SIP_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_SIGNALING_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(FreePorts.next()));
  }

  private String awaitReady(int port) {
    String[] last = {""};
    // polling an HTTP endpoint of another process
    return Until.value(Duration.ofSeconds(30), Until.probing(() -> {
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r.body();
        }
        last[0] = r.statusCode() + " " + r.body();
      } catch (java.io.IOException e) {
        last[0] = e.toString();
      }
      return null;
    }), () -> "ready: " + last[0]);
  }

  private String get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
