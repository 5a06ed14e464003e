package io.rtc2sip.tests.bench.fuzz;

import io.rtc2sip.tests.support.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway node as an operator runs it ({@code rtc2sip run}: its own JVM, embedded PostgreSQL,
 * INFO logging), started from this class path with its output written straight to a file (a
 * log flood fills the disk, not this JVM's memory), on free loopback ports.
 */
final class FuzzNode implements AutoCloseable {
  final int sipPort;
  final int signalingPort;
  final int httpPort;
  final int managementPort;
  final int rtpMin;
  final int rtpMax;
  final int webrtcMin;
  final int webrtcMax;
  final Path log;
  private final Process process;

  private FuzzNode(Process process, Path log, Map<String, String> env) {
    this.process = process;
    this.log = log;
    this.sipPort = Integer.parseInt(env.get("RTC2SIP_SIP_PORT"));
    this.signalingPort = Integer.parseInt(env.get("RTC2SIP_SIGNALING_PORT"));
    this.httpPort = Integer.parseInt(env.get("RTC2SIP_HTTP_PORT"));
    this.managementPort = Integer.parseInt(env.get("RTC2SIP_MANAGEMENT_PORT"));
    this.rtpMin = Integer.parseInt(env.get("RTC2SIP_RTP_PORT_MIN"));
    this.rtpMax = Integer.parseInt(env.get("RTC2SIP_RTP_PORT_MAX"));
    this.webrtcMin = Integer.parseInt(env.get("RTC2SIP_WEBRTC_PORT_MIN"));
    this.webrtcMax = Integer.parseInt(env.get("RTC2SIP_WEBRTC_PORT_MAX"));
  }

  /** Starts a node under {@code dir} with {@code rtpPorts} RTP ports and waits until it is ready
   * (/ready on management, and "rtc2sip node up" in its log). */
  static FuzzNode start(Path dir, String heap, int rtpPorts) throws Exception {
    Files.createDirectories(dir);
    int sip = io.rtc2sip.sip.Sipp.freeUdpPort();
    int rtp = rtpPorts <= 40 ? 44000 + (int) (ProcessHandle.current().pid() % 100) * 40 : 36000;
    int webrtc = 52000 + (int) (ProcessHandle.current().pid() % 100) * 20;
    Map<String, String> env = new HashMap<>(Map.of(
        "RTC2SIP_DATA_DIR", dir.resolve("data").toString(),
        "RTC2SIP_NODE_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_SIP_PORT", String.valueOf(sip),
        "RTC2SIP_SIGNALING_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(FreePorts.next()),
        "RTC2SIP_RTP_PORT_MIN", String.valueOf(rtp),
        "RTC2SIP_RTP_PORT_MAX", String.valueOf(rtp + rtpPorts - 1),
        "RTC2SIP_WEBRTC_PORT_MIN", String.valueOf(webrtc)));
    env.put("RTC2SIP_WEBRTC_PORT_MAX", String.valueOf(webrtc + 19));
    env.put("RTC2SIP_NO_ANSWER_TIMEOUT", "10s");
    Path log = dir.resolve("node.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx" + heap,
        "-XX:+UseSerialGC", io.rtc2sip.tests.support.NodeProcess.LOGGING, "-cp",
        System.getProperty("java.class.path"), "io.rtc2sip.app.Main", "run"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RTC2SIP_"));
    pb.environment().putAll(env);
    FuzzNode node = new FuzzNode(pb.start(), log, env);
    try {
      node.awaitReady(Duration.ofSeconds(120));
    } catch (Exception e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the node exited while starting; see " + log);
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && up()) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250); // polling an outside process for readiness, with a deadline
    }
    throw new IllegalStateException("the node was not ready within " + timeout + "; see " + log);
  }

  /** Whether the node logged that all its services are up (SIP, signaling, HTTP). */
  private boolean up() throws IOException {
    try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      return lines.anyMatch(l -> l.contains("rtc2sip node up"));
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
