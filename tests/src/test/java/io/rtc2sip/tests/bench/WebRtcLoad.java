package io.rtc2sip.tests.bench;

import com.sun.net.httpserver.HttpServer;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import io.rtc2sip.webrtc.testing.Chromium;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load of browser calls on a running node (bench/webrtc-load.sh starts the node and a SIP echo):
 * one headless Chromium page places N calls, each over its own signaling WebSocket and
 * RTCPeerConnection, to a SIP target; while all are up, the node's CPU (from /proc) and live heap
 * (after a full GC, from jcmd) are read against the same figures before the calls. Per call:
 * offer to connected, offer to first audio, packets received and lost in the browser.
 *
 * <p>usage: WebRtcLoad HTTP_PORT NODE_PID SIP_TARGET CALLS SECONDS [STAGGER_MS]
 */
public final class WebRtcLoad {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  public static void main(String[] args) throws Exception {
    int http = Integer.parseInt(args[0]);
    long pid = Long.parseLong(args[1]);
    String target = args[2];
    int calls = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    int staggerMs = args.length > 5 ? Integer.parseInt(args[5]) : 100;
    Tokens tokens = new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.systemUTC());
    StringBuilder users = new StringBuilder("[");
    for (int i = 0; i < calls; i++) {
      String uid = "bench-" + i;
      users.append(i == 0 ? "" : ",").append("{\"uid\":\"").append(uid).append("\",\"token\":\"")
          .append(tokens.issue(uid, Duration.ofHours(2))).append("\"}");
    }
    users.append(']');

    HttpServer page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    page.createContext("/", ex -> {
      try (InputStream in = WebRtcLoad.class.getResourceAsStream("/bench/webrtc-load.html")) {
        byte[] body = in.readAllBytes();
        ex.getResponseHeaders().set("Content-Type", "text/html");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    page.start();
    Path dir = Files.createTempDirectory("rtc2sip-webrtc-load");
    try (Chromium browser = Chromium.start(
        Chromium.toneWav(dir.resolve("mic.wav"), 1000, 48000, 30))) {
      browser.open("http://127.0.0.1:" + page.getAddress().getPort() + "/");
      long idleHeap = liveHeapKb(pid);
      double idleCpu = cpuShare(pid, 10);
      System.out.printf(Locale.ROOT, "idle node: CPU %.2f %% of a core, live heap %d MiB%n",
          idleCpu * 100, idleHeap / 1024);

      browser.js("startCalls(arguments[0], JSON.parse(arguments[1]), arguments[2], arguments[3]);",
          "ws://127.0.0.1:" + http + "/signaling", users.toString(), target, staggerMs);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos()
          + Duration.ofMillis((long) staggerMs * calls).toNanos();
      while (System.nanoTime() < deadline && settled(browser) < calls) {
        Thread.sleep(200);
      }
      Thread.sleep(3000); // every call's audio under way before the window
      Map<String, Long> threadsBefore = threadTicks(pid);
      double loadCpu = cpuShare(pid, seconds);
      Map<String, Long> threadsAfter = threadTicks(pid);
      long loadHeap = liveHeapKb(pid);
      List<Map<String, Object>> results = results(browser);
      browser.js("hangUpAll();");
      deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && ended(browser) < connected(results)) {
        Thread.sleep(200);
      }
      // the legs' loss and refusal counts reach /metrics when they close
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      double jit = (threadsAfter.getOrDefault("CN CompilerThre", 0L)
          - threadsBefore.getOrDefault("CN CompilerThre", 0L)) / 100.0 / seconds;
      report(calls, seconds, idleCpu, loadCpu, jit, idleHeap, loadHeap, results, metrics);
      System.out.println("node threads over the window (% of a core): "
          + busiest(threadsBefore, threadsAfter, seconds));
    } finally {
      page.stop(0);
    }
  }

  private static long settled(Chromium browser) {
    return ((Number) browser.js("return bench.calls.filter(c => c.firstAudioAt !== undefined"
        + " || c.state === 'failed' || c.state === 'ended' || c.pcState === 'failed').length;"))
        .longValue();
  }

  private static long ended(Chromium browser) {
    return ((Number) browser.js("return bench.calls.filter(c => c.state === 'ended').length;"))
        .longValue();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> results(Chromium browser) {
    return (List<Map<String, Object>>) browser.driver().executeAsyncScript(
        "const done = arguments[arguments.length - 1]; results().then(done);");
  }

  private static int connected(List<Map<String, Object>> results) {
    return (int) results.stream().filter(r -> r.get("connectMs") != null).count();
  }

  /** The node's share of one core over {@code seconds}, from /proc/PID/stat. */
  private static double cpuShare(long pid, int seconds) throws Exception {
    long t0 = cpuTicks(pid);
    long n0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long t1 = cpuTicks(pid);
    double wall = (System.nanoTime() - n0) / 1e9;
    return (t1 - t0) / 100.0 / wall; // USER_HZ is 100 on Linux
  }

  /** CPU ticks of the node's threads by name (digits dropped: pools add up). */
  private static Map<String, Long> threadTicks(long pid) throws Exception {
    Map<String, Long> ticks = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (java.io.IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return ticks;
  }

  private static String busiest(Map<String, Long> before, Map<String, Long> after, int seconds) {
    StringBuilder out = new StringBuilder();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(6)
        .forEach(e -> out.append(String.format(Locale.ROOT, "%s %.1f, ", e.getKey(),
            e.getValue() / (double) seconds)));
    return out.length() == 0 ? "-" : out.substring(0, out.length() - 2);
  }

  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
  }

  /** The node's heap in use right after a full collection (the live set), in KiB. */
  private static long liveHeapKb(long pid) throws Exception {
    jcmd(pid, "GC.run");
    Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
    if (!m.find()) {
      throw new IllegalStateException("jcmd GC.heap_info gave no heap figure");
    }
    return Long.parseLong(m.group(1));
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private static void report(int calls, int seconds, double idleCpu, double loadCpu,
      double jitShare, long idleHeap, long loadHeap, List<Map<String, Object>> results,
      String metrics) {
    int up = connected(results);
    double[] connect = values(results, "connectMs");
    double[] answer = values(results, "answerMs");
    double[] firstAudio = values(results, "firstAudioMs");
    double[] answeredToAudio = values(results, "answeredToAudioMs");
    long received = sum(results, "received");
    long lost = sum(results, "lost");
    System.out.printf(Locale.ROOT, "%d calls offered, %d connected, %d failed%n", calls, up,
        calls - up);
    results.stream().filter(r -> r.get("connectMs") == null).limit(5)
        .forEach(r -> System.out.println("  not connected: " + r));
    System.out.printf(Locale.ROOT, "offer -> answer (signaling, call, media): p50 %.0f ms, p95 %.0f"
        + " ms, max %.0f ms%n", pct(answer, 50), pct(answer, 95), pct(answer, 100));
    System.out.printf(Locale.ROOT, "offer -> connected: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
        pct(connect, 50), pct(connect, 95), pct(connect, 100));
    double legs = metricValue(metrics, "rtc2sip_webrtc_connect_seconds_count");
    System.out.printf(Locale.ROOT, "node: answer -> ICE and DTLS done, mean of all legs so far:"
        + " %.0f ms%n", legs == 0 ? Double.NaN
        : metricValue(metrics, "rtc2sip_webrtc_connect_seconds_sum") * 1000 / legs);
    System.out.printf(Locale.ROOT, "offer -> first audio: p50 %.0f ms, p95 %.0f ms, max %.0f ms"
        + " (the SIP side answers in between)%n",
        pct(firstAudio, 50), pct(firstAudio, 95), pct(firstAudio, 100));
    System.out.printf(Locale.ROOT, "'answered' -> first audio: p50 %.0f ms, p95 %.0f ms, max %.0f"
        + " ms%n", pct(answeredToAudio, 50), pct(answeredToAudio, 95), pct(answeredToAudio, 100));
    System.out.printf(Locale.ROOT, "node CPU over %d s: %.1f %% of a core with %d calls, %.2f %%"
        + " idle: %.3f %% of a core per call%n", seconds, loadCpu * 100, up, idleCpu * 100,
        up == 0 ? 0 : (loadCpu - idleCpu) * 100 / up);
    System.out.printf(Locale.ROOT, "  without the JIT compiler's share in the window: %.3f %% of a"
        + " core per call%n", up == 0 ? 0 : (loadCpu - jitShare - idleCpu) * 100 / up);
    System.out.printf(Locale.ROOT, "node live heap: %d MiB with the calls, %d MiB idle: %.2f MiB"
        + " per call%n", loadHeap / 1024, idleHeap / 1024,
        up == 0 ? 0 : (loadHeap - idleHeap) / 1024.0 / up);
    System.out.printf(Locale.ROOT, "gateway -> browser: %d packets received, %d lost (%.3f %%)%n",
        received, lost, received + lost == 0 ? 0 : lost * 100.0 / (received + lost));
    for (String name : List.of("rtc2sip_webrtc_packets_lost_total",
        "rtc2sip_webrtc_packets_refused_total", "rtc2sip_rtp_packets_lost_total",
        "rtc2sip_media_ticks_late_total", "rtc2sip_media_packets_dropped_total")) {
      System.out.println("node " + name + " " + metric(metrics, name));
    }
  }

  private static String metric(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return line.substring(line.lastIndexOf(' ') + 1);
      }
    }
    return "-";
  }

  private static double metricValue(String metrics, String name) {
    String v = metric(metrics, name);
    return v.equals("-") ? 0 : Double.parseDouble(v);
  }

  private static double[] values(List<Map<String, Object>> results, String key) {
    List<Double> v = new ArrayList<>();
    for (Map<String, Object> r : results) {
      if (r.get(key) instanceof Number n) {
        v.add(n.doubleValue());
      }
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a;
  }

  private static long sum(List<Map<String, Object>> results, String key) {
    return results.stream().mapToLong(r -> r.get(key) instanceof Number n ? n.longValue() : 0)
        .sum();
  }

  private static double pct(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private WebRtcLoad() {}
}
