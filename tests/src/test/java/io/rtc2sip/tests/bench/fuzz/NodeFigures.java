package io.rtc2sip.tests.bench.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running node shows from outside: its /metrics gauges, its resident memory, its heap
 * after a full GC (jcmd) and the size of its log.
 *
 * @param pendingInvites {@code rtc2sip_sip_pending_invites}
 * @param rtpPorts {@code rtc2sip_rtp_ports_in_use}
 * @param browserLegs {@code rtc2sip_webrtc_legs_active}
 * @param calls {@code rtc2sip_calls_active}, both directions
 * @param rssKib VmRSS of the node's process
 * @param heapKib heap used after a full GC
 * @param logBytes size of the node's log file
 * @param logLines lines of the node's log file
 */
record NodeFigures(double pendingInvites, double rtpPorts, double browserLegs, double calls,
    long rssKib, long heapKib, long logBytes, long logLines) {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The node's figures now; {@code gc} runs a full GC first and reads the heap after it. */
  static NodeFigures of(int httpPort, long pid, Path log, boolean gc) throws Exception {
    String metrics = metrics(httpPort);
    return new NodeFigures(sample(metrics, "rtc2sip_sip_pending_invites"),
        sample(metrics, "rtc2sip_rtp_ports_in_use"),
        sample(metrics, "rtc2sip_webrtc_legs_active"),
        sample(metrics, "rtc2sip_calls_active"),
        rssKib(pid), gc ? heapAfterGcKib(pid) : -1, Files.size(log), lines(log));
  }

  /** The node's /metrics page (when operator HTTP asks for credentials, from RTC2SIP_FUZZ_AUTH). */
  static String metrics(int httpPort) throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(10));
    String auth = System.getenv("RTC2SIP_FUZZ_AUTH");
    if (auth != null && !auth.isEmpty()) {
      r.header("Authorization", "Basic " + java.util.Base64.getEncoder()
          .encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /** The sum of the samples of {@code name} (all label values); NaN when absent. */
  static double sample(String metrics, String name) {
    double sum = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Heap used after a full GC, in KiB, from {@code jcmd <pid> GC.run} and {@code GC.heap_info}. */
  static long heapAfterGcKib(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long used = 0;
    Matcher m = Pattern.compile("(?:generation|space|heap)\\s+total \\d+K, used (\\d+)K")
        .matcher(info);
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    return used;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, String.valueOf(pid), command).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
  }

  private static long lines(Path log) throws IOException {
    long n = 0;
    try (var in = Files.newInputStream(log)) {
      byte[] buf = new byte[1 << 16];
      int r;
      while ((r = in.read(buf)) > 0) {
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }
}
