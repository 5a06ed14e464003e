package io.rtc2sip.tests.bench.fuzz;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fuzz run against one node (issue 13, "Tests and measurement"): mutated SIP datagrams,
 * broken signaling over TCP and WebSocket, and RTP/RTCP noise from foreign sources at the media
 * port ranges; then checks that the node is alive, that pending INVITEs, RTP ports, browser legs
 * and calls are back to where they were, and that a normal call works; and reports heap after
 * GC, RSS and log volume. At scale 1: 100,000 SIP datagrams, 20,000 signaling messages, 10,000
 * media datagrams. {@code bench/fuzz.sh [scale]} runs it; {@code FuzzTest} runs a short one in CI.
 *
 * <p>Usage (main): {@code Fuzz [scale=1] [seed=13] [dir=target/fuzz]}.
 */
public final class Fuzz {
  /** One check and whether it held. */
  public record Check(String name, boolean ok, String detail) {}

  /** What a run measured and checked. */
  public record Result(String table, List<Check> checks) {
    public boolean ok() {
      return checks.stream().allMatch(Check::ok);
    }

    public String failed() {
      return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail())
          .reduce((a, b) -> a + "; " + b).orElse("");
    }
  }

  /**
   * @param scale 1 = 100,000 SIP datagrams, 20,000 signaling messages, 10,000 media datagrams
   * @param seed makes every input reproducible
   * @param dir the node's data and log, and summary.txt
   * @param heap the node's -Xmx
   * @param rtpPorts size of the node's RTP port range
   * @param settle how long pending INVITEs, ports and calls may take to come back
   */
  public record Settings(double scale, long seed, Path dir, String heap, int rtpPorts,
      Duration settle) {}

  private Fuzz() {}

  public static void main(String[] args) throws Exception {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 13;
    Path dir = Path.of(args.length > 2 ? args[2] : "target/fuzz").toAbsolutePath();
    Result r = run(new Settings(scale, seed, dir, "1g", 1000, Duration.ofSeconds(120)));
    System.out.println(r.table());
    System.exit(r.ok() ? 0 : 1);
  }

  public static Result run(Settings s) throws Exception {
    List<Check> checks = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    try (FuzzNode node = FuzzNode.start(s.dir(), s.heap(), s.rtpPorts())) {
      String warmup = NormalCall.place(node.signalingPort, "fz-normal-before");
      checks.add(new Check("a normal call before the fuzz", warmup == null, outcome(warmup)));
      NodeFigures before = NodeFigures.of(node.httpPort, node.pid(), node.log, true);

      long sipCount = Math.round(100_000 * s.scale());
      long t0 = System.nanoTime();
      long[] sip = sip(node, s.seed(), sipCount);
      long sipMillis = (System.nanoTime() - t0) / 1_000_000;

      long signalingCount = Math.round(20_000 * s.scale());
      SignalingFuzz signaling = new SignalingFuzz(node.signalingPort, node.httpPort, s.seed());
      t0 = System.nanoTime();
      signaling.run(signalingCount * 6 / 10, 10, signalingCount * 4 / 10, 4, 1000);
      long signalingMillis = (System.nanoTime() - t0) / 1_000_000;

      long mediaCount = Math.round(10_000 * s.scale());
      t0 = System.nanoTime();
      long[] media = media(node, s.seed(), mediaCount);
      long mediaMillis = (System.nanoTime() - t0) / 1_000_000;
      NodeFigures during = node.alive() ? NodeFigures.of(node.httpPort, node.pid(), node.log, false)
          : null;

      boolean alive = node.alive() && during != null;
      checks.add(new Check("node alive", alive, alive ? "yes" : "the node died; see " + node.log));
      NodeFigures after = alive ? settle(node, before, s.settle()) : null;
      String call = alive ? NormalCall.place(node.signalingPort, "fz-normal-after") : "no node";
      if (after != null) {
        checks.add(back("pending INVITEs", before.pendingInvites(), after.pendingInvites()));
        checks.add(back("RTP ports in use", before.rtpPorts(), after.rtpPorts()));
        checks.add(back("browser legs", before.browserLegs(), after.browserLegs()));
        checks.add(back("active calls", before.calls(), after.calls()));
        long grown = after.heapKib() - before.heapKib();
        checks.add(new Check("heap after GC within 64 MiB of before", grown < 64 * 1024,
            kib(before.heapKib()) + " -> " + kib(after.heapKib())));
      }
      checks.add(new Check("a normal call after the fuzz", call == null, outcome(call)));

      table.append(String.format(Locale.ROOT, "rtc2sip fuzz: scale %s, seed %d, %d cores; node log %s%n",
          s.scale(), s.seed(), Runtime.getRuntime().availableProcessors(), node.log));
      table.append(String.format(Locale.ROOT, "%-34s %12s %12s %10s %10s%n", "input", "sent",
          "answers", "seconds", "per s"));
      row(table, "SIP datagrams (UDP)", sip[0], sip[1], sipMillis);
      row(table, "signaling messages (TCP+WS)", signaling.sent.get(), signaling.answers.get(),
          signalingMillis);
      table.append(String.format(Locale.ROOT, "%-34s %12d %12d%n",
          "  connections opened / refused", signaling.connections.get(),
          signaling.refusedConnections.get()));
      row(table, "RTP/RTCP/STUN/DTLS datagrams", media[0], media[1], mediaMillis);
      table.append(String.format(Locale.ROOT, "%n%-34s %14s %14s %14s%n", "node", "before",
          "after fuzz", "after settle"));
      figure(table, "pending INVITEs", before.pendingInvites(), during, after,
          NodeFigures::pendingInvites);
      figure(table, "RTP ports in use", before.rtpPorts(), during, after, NodeFigures::rtpPorts);
      figure(table, "browser legs", before.browserLegs(), during, after, NodeFigures::browserLegs);
      figure(table, "active calls", before.calls(), during, after, NodeFigures::calls);
      table.append(String.format(Locale.ROOT, "%-34s %14s %14s %14s%n", "heap after GC",
          kib(before.heapKib()), "", after == null ? "-" : kib(after.heapKib())));
      table.append(String.format(Locale.ROOT, "%-34s %14s %14s %14s%n", "RSS", kib(before.rssKib()),
          during == null ? "-" : kib(during.rssKib()), after == null ? "-" : kib(after.rssKib())));
      if (during != null) {
        table.append(String.format(Locale.ROOT, "%-34s %14s%n", "log written during the fuzz",
            bytes(during.logBytes() - before.logBytes()) + ", "
                + (during.logLines() - before.logLines()) + " lines"));
      }
      table.append(String.format(Locale.ROOT, "%nchecks%n"));
      for (Check c : checks) {
        table.append(String.format(Locale.ROOT, "  %-4s %-40s %s%n", c.ok() ? "ok" : "FAIL",
            c.name(), c.detail()));
      }
    }
    Files.writeString(s.dir().resolve("summary.txt"), table, StandardCharsets.UTF_8);
    return new Result(table.toString(), checks);
  }

  /** SIP datagrams from 127.0.0.20-27: sent and answered. */
  private static long[] sip(FuzzNode node, long seed, long count) throws Exception {
    InetSocketAddress to = new InetSocketAddress("127.0.0.1", node.sipPort);
    try (Datagrams out = new Datagrams(20, 8, 2000)) {
      List<SipMutator> mutators = new ArrayList<>();
      for (int i = 0; i < out.sources(); i++) {
        InetSocketAddress from = out.source(i);
        mutators.add(new SipMutator(seed * 100 + i, "127.0.0.1:" + node.sipPort,
            from.getHostString() + ":" + from.getPort()));
      }
      for (long n = 0; n < count; n++) {
        int i = (int) (n % out.sources());
        out.send(i, mutators.get(i).next(n), to);
      }
      Thread.sleep(500); // the last answers
      out.drain();
      return new long[] {out.sent(), out.answers()};
    }
  }

  /** Media noise from 127.0.0.9-10 to every port of the RTP and WebRTC ranges in turn. */
  private static long[] media(FuzzNode node, long seed, long count) throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int p = node.rtpMin; p <= node.rtpMax; p++) {
      ports.add(p);
    }
    for (int p = node.webrtcMin; p <= node.webrtcMax; p++) {
      ports.add(p);
    }
    MediaNoise noise = new MediaNoise(seed);
    try (Datagrams out = new Datagrams(9, 2, 5000)) {
      for (int n = 0; n < count; n++) {
        out.send(n, noise.next(n), new InetSocketAddress("127.0.0.1", ports.get(n % ports.size())));
      }
      out.drain();
      return new long[] {out.sent(), out.answers()};
    }
  }

  /** Polls until the gauges are back to {@code before} or {@code settle} passes; then a GC. */
  private static NodeFigures settle(FuzzNode node, NodeFigures before, Duration settle)
      throws Exception {
    long deadline = System.nanoTime() + settle.toNanos();
    while (System.nanoTime() < deadline && node.alive()) {
      NodeFigures now = NodeFigures.of(node.httpPort, node.pid(), node.log, false);
      if (same(now.pendingInvites(), before.pendingInvites())
          && same(now.rtpPorts(), before.rtpPorts())
          && same(now.browserLegs(), before.browserLegs())
          && same(now.calls(), before.calls())) {
        break;
      }
      Thread.sleep(500); // polling an outside process's gauges, with a deadline
    }
    return NodeFigures.of(node.httpPort, node.pid(), node.log, true);
  }

  private static String outcome(String failure) {
    return failure == null ? "answered, hung up, sipp saw the BYE" : failure;
  }

  private static boolean same(double a, double b) {
    return Double.compare(a, b) == 0;
  }

  private static Check back(String what, double before, double after) {
    return new Check(what + " back to where they were", same(before, after) && !Double.isNaN(after),
        fmt(before) + " -> " + fmt(after) + (Double.isNaN(after) ? " (gauge missing)" : ""));
  }

  private static void row(StringBuilder t, String what, long sent, long answers, long millis) {
    t.append(String.format(Locale.ROOT, "%-34s %12d %12d %10.1f %10.0f%n", what, sent, answers,
        millis / 1000.0, millis == 0 ? 0.0 : sent * 1000.0 / millis));
  }

  private static void figure(StringBuilder t, String what, double before, NodeFigures during,
      NodeFigures after, java.util.function.ToDoubleFunction<NodeFigures> f) {
    t.append(String.format(Locale.ROOT, "%-34s %14s %14s %14s%n", what, fmt(before),
        during == null ? "-" : fmt(f.applyAsDouble(during)),
        after == null ? "-" : fmt(f.applyAsDouble(after))));
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String kib(long k) {
    return k < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", k / 1024.0);
  }

  private static String bytes(long b) {
    return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
        : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
  }
}
