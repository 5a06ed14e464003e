package io.rtc2sip.sip;

import io.rtc2sip.testkit.Until;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SIPp process run from the scenarios under test-classes/sipp, with its logs under
 * target/sipp-logs/<name>. Fails clearly when sipp is not installed (package sip-tester).
 */
public final class Sipp implements AutoCloseable {
  private static final String[] FILES = {"uac_call_pcap.xml", "uas_answer.xml", "uac_hold.xml",
      "uac_cancel.xml", "uas_ring_no_answer.xml", "uas_busy.xml", "uac_options.xml",
      "uac_call_wait_bye.xml", "uas_transferee.xml", "uas_answer_then_bye.xml", "uac_refer.xml",
      "uas_session_timer.xml", "uac_session_timer.xml", "uas_info_dtmf.xml", "uas_min_se.xml",
      "uac_spoofed_in_dialog.xml", "uas_spoofed_in_dialog.xml",
      "uas_challenge.xml", "uas_reanchor_then_bye.xml", "uac_reanchored_then_bye.xml",
      "uas_dispatch.xml", "uas_unavailable.xml", "uac_100rel.xml", "uac_100rel_no_prack.xml",
      "uac_100rel_ringback.xml",
      "uas_100rel_early_media.xml", "uas_transferee_replaces.xml", "uac_replaces.xml",
      "media/pcma_800hz_dtmf1234.pcap", "media/tone_400hz_pcma.al", "media/tone_400hz_pcmu.ul",
      "media/tone_800hz_pcma.al", "media/tone_800hz_pcmu.ul"};
  private static Path scenarios;

  private final Process process;
  private final Path logs;
  public final int port;
  public final int mediaPort;

  private Sipp(Process process, Path logs, int port, int mediaPort) {
    this.process = process;
    this.logs = logs;
    this.port = port;
    this.mediaPort = mediaPort;
  }

  /** A UAC running {@code scenario} once against the gateway at {@code gatewayPort}. */
  public static Sipp uac(String scenario, int gatewayPort, String user, int holdMs, String... extra)
      throws IOException {
    return uacFrom("127.0.0.1", scenario, gatewayPort, user, holdMs, extra);
  }

  /**
   * A UAC as {@link #uac}, sending from another loopback address ({@code 127.0.0.2}...), for
   * what the gateway does with callers outside its trusted networks.
   */
  public static Sipp uacFrom(String localAddress, String scenario, int gatewayPort, String user,
      int holdMs, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("-sf", scenario + ".xml",
        "127.0.0.1:" + gatewayPort, "-s", user, "-m", "1", "-l", "1", "-d",
        String.valueOf(holdMs), "-timeout", "60", "-timeout_error", "-recv_timeout", "20000"));
    args.addAll(List.of(extra));
    return start(scenario, args, localAddress);
  }

  /** A UAS running {@code scenario} for one call. */
  public static Sipp uas(String scenario, int holdMs, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("-sf", scenario + ".xml", "-m", "1",
        "-d", String.valueOf(holdMs), "-timeout", "60", "-timeout_error"));
    args.addAll(List.of(extra));
    return start(scenario, args);
  }

  /**
   * A copy of {@code scenario} as {@code variant}, its text changed by {@code edit} (another
   * tone file, for example), beside the others; returns the variant's name for {@link #uas}.
   */
  public static synchronized String variant(String scenario, String variant,
      java.util.function.UnaryOperator<String> edit) throws IOException {
    Path dir = scenarios();
    String text = Files.readString(dir.resolve(scenario + ".xml"));
    String changed = edit.apply(text);
    if (changed.equals(text)) {
      throw new IllegalArgumentException("the variant " + variant + " changes nothing");
    }
    Files.writeString(dir.resolve(variant + ".xml"), changed);
    return variant;
  }

  /** A UAS running one of sipp's built-in scenarios ({@code -sn}) for one call. */
  public static Sipp builtinUas(String scenario, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("-sn", scenario, "-m", "1", "-timeout", "60",
        "-timeout_error"));
    args.addAll(List.of(extra));
    return start(scenario, args);
  }

  /**
   * A UAS on {@code ports} taking calls until it is closed or killed (no call limit), logging
   * under target/sipp-logs/{@code name}: a server of a destination set, which a test can kill and
   * start again on the same ports.
   */
  public static Sipp server(String name, String scenario, Ports ports, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("-sf", scenario + ".xml"));
    args.addAll(List.of(extra));
    return start(name, args, "127.0.0.1", ports);
  }

  private static Sipp start(String scenario, List<String> args) throws IOException {
    return start(scenario, args, "127.0.0.1");
  }

  private static Sipp start(String scenario, List<String> args, String localAddress)
      throws IOException {
    Ports ports = freePorts();
    return start(scenario + "-" + ports.sip(), args, localAddress, ports);
  }

  private static Sipp start(String name, List<String> args, String localAddress, Ports ports)
      throws IOException {
    if (!Files.isExecutable(Path.of("/usr/bin/sipp"))) {
      throw new IllegalStateException("sipp is not installed: apt-get install sip-tester (.ci/run"
          + " installs it)");
    }
    int port = ports.sip();
    int media = ports.media();
    Path logs = Path.of("target", "sipp-logs", name).toAbsolutePath();
    Files.createDirectories(logs);
    List<String> cmd = new ArrayList<>(List.of("sipp"));
    cmd.addAll(args);
    cmd.addAll(List.of("-i", localAddress, "-mi", localAddress, "-p", String.valueOf(port),
        "-mp", String.valueOf(media), "-nostdin", "-aa", "-trace_err", "-trace_msg",
        "-trace_logs", "-log_file", logs.resolve("actions.log").toString(),
        "-message_file", logs.resolve("messages.log").toString(),
        "-error_file", logs.resolve("errors.log").toString()));
    Process p = new ProcessBuilder(cmd)
        .directory(scenarios().toFile())
        .redirectErrorStream(true)
        .redirectOutput(logs.resolve("sipp.out").toFile())
        .start();
    return new Sipp(p, logs, port, media);
  }

  /** The scenarios and media, copied out of the class path once (they may sit in a jar). */
  private static synchronized Path scenarios() throws IOException {
    if (scenarios == null) {
      Path dir = Path.of("target", "sipp-scenarios").toAbsolutePath();
      Files.createDirectories(dir.resolve("media"));
      for (String f : FILES) {
        try (var in = Sipp.class.getResourceAsStream("/sipp/" + f)) {
          if (in == null) {
            throw new IllegalStateException("sipp resource missing: " + f);
          }
          Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      scenarios = dir;
    }
    return scenarios;
  }

  /**
   * Waits for this UAS to end and checks it answered our BYE with 200. (sipp's uas_answer
   * scenario may call a BYE that follows the ACK within microseconds "unexpected" and exit
   * non-zero, although it answers it: its verdict on that race is not ours.)
   */
  public void assertByeAnswered() throws IOException, InterruptedException {
    await(30);
    String log = messages();
    int bye = log.indexOf("BYE sip:");
    if (bye < 0 || log.indexOf("SIP/2.0 200 OK", bye) < 0) {
      throw new AssertionError("BYE sent and answered 200: " + where());
    }
  }

  /** Whether sipp ends within {@code seconds} (it goes on running otherwise). */
  public boolean finishesWithin(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** Waits for sipp to finish; its exit code (0: every call passed). */
  public int await(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sipp did not finish within " + seconds + " s; logs " + logs);
    }
    return process.exitValue();
  }

  public String messages() throws IOException {
    Path m = logs.resolve("messages.log");
    return Files.exists(m) ? Files.readString(m) : "";
  }

  /**
   * Waits until sipp listens on its TCP port (for {@code -t t1}): a TCP request sent before
   * that is refused, where UDP would be retransmitted until sipp reads it. Read from
   * /proc/net/tcp, so that no probing connection reaches sipp.
   */
  public void awaitTcpListening() {
    String local = String.format(":%04X ", port);
    Until.until(Duration.ofSeconds(10), Until.checking(() -> {
      for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("0A")) {
          return true; // 0A: LISTEN
        }
      }
      return false;
    }), () -> "sipp listening on TCP port " + port + ": " + where());
  }

  /**
   * How many calls (distinct Call-IDs) sent sipp a {@code method} request so far, read from its
   * message log: retransmissions count once.
   */
  public int callsReceived(String method) throws IOException {
    java.util.Set<String> callIds = new java.util.HashSet<>();
    boolean inRequest = false;
    boolean received = false;
    for (String line : messages().split("\r?\n")) {
      if (line.startsWith("----------")) {
        inRequest = false;
        received = false;
      } else if (line.contains("message received")) {
        received = true;
      } else if (received && line.startsWith(method + " ")) {
        inRequest = true;
      } else if (inRequest && line.regionMatches(true, 0, "Call-ID:", 0, 8)) {
        callIds.add(line.substring(8).trim());
        inRequest = false;
      }
    }
    return callIds.size();
  }

  /** Kills sipp at once (SIGKILL to its pid), as a server that crashes. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      throw new AssertionError("sipp " + process.pid() + " still running after SIGKILL");
    }
  }

  /** Waits until {@code text} appears {@code times} times in sipp's message log. */
  public void awaitInLog(String text, int times) {
    awaitIn("messages.log", text, times);
  }

  /** Waits until the scenario's {@code <log>} actions have written {@code text}. */
  public void awaitAction(String text) {
    awaitIn("actions.log", text, 1);
  }

  private void awaitIn(String file, String text, int times) {
    Path f = logs.resolve(file);
    Until.until(Duration.ofSeconds(10),
        Until.checking(() -> Files.exists(f) && count(Files.readString(f), text) >= times),
        () -> times + " x '" + text + "' in " + f + "; " + where());
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /**
   * Where sipp's logs are, with the tail of its output and error log: a failure in CI then says
   * why sipp stopped (a port in use, an unexpected message) without the files.
   */
  public String where() {
    StringBuilder s = new StringBuilder("sipp logs: ").append(logs);
    if (!process.isAlive()) {
      s.append(" (exited ").append(process.exitValue()).append(')');
    }
    for (String file : List.of("errors.log", "sipp.out")) {
      Path f = logs.resolve(file);
      try {
        if (Files.exists(f)) {
          String text = Files.readString(f);
          s.append("\n--- ").append(file).append(" (end) ---\n")
              .append(text, Math.max(0, text.length() - 2000), text.length());
        }
      } catch (IOException unreadable) {
        s.append("\n--- ").append(file).append(" unreadable: ").append(unreadable);
      }
    }
    return s.toString();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The ports of one sipp: its SIP port and the first of its block of four media ports. */
  public record Ports(int sip, int media) {}

  /**
   * How many of the ports last handed out are not handed out again: sipp binds its ports only
   * once it runs, and until then a port chosen for one sipp must not be chosen for another one
   * started at the same time (tests start one per concurrent call).
   */
  static final int RECENT_PORTS = 4000;
  private static final LinkedHashSet<Integer> recent = new LinkedHashSet<>();

  /** A SIP port and a media block that does not hold it, neither handed out recently. */
  public static synchronized Ports freePorts() throws IOException {
    int sip = freeUdpPort();
    return new Ports(sip, freeMediaPorts());
  }

  private static void handOut(int port) {
    recent.add(port);
    if (recent.size() > RECENT_PORTS) {
      Iterator<Integer> oldest = recent.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * A base port for sipp's media: sipp binds its audio socket there and its video socket two
   * above, and exits at once ("Unable to bind audio RTP socket") when either is taken. The
   * even port and the three above it are checked free together.
   */
  static synchronized int freeMediaPorts() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base;
      try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        base = probe.getLocalPort() & ~3;
      }
      if (base < 1024 || base > 65530 || recentlyHandedOut(base, 4)) {
        continue;
      }
      List<DatagramSocket> held = new ArrayList<>();
      try {
        for (int p = base; p < base + 4; p++) {
          held.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", p)));
        }
        for (int p = base; p < base + 4; p++) {
          handOut(p);
        }
        return base;
      } catch (IOException inUse) {
        // one of the four is taken: try another block
      } finally {
        for (DatagramSocket s : held) {
          s.close();
        }
      }
    }
    throw new IOException("no four consecutive UDP ports free on 127.0.0.1 in 50 tries");
  }

  private static boolean recentlyHandedOut(int from, int count) {
    for (int p = from; p < from + count; p++) {
      if (recent.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** A port free on 127.0.0.1 for UDP and for TCP alike. */
  public static synchronized int freeUdpPort() throws IOException {
    // a SIP stack listens on UDP and TCP on the same port: the port must be free for both
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        int port = s.getLocalPort();
        if (recent.contains(port)) {
          continue;
        }
        try (java.net.ServerSocket tcp = new java.net.ServerSocket()) {
          tcp.bind(new InetSocketAddress("127.0.0.1", port));
          handOut(port);
          return port;
        } catch (IOException inUseForTcp) {
          // try another one
        }
      }
    }
    throw new IOException("no port free for both UDP and TCP on 127.0.0.1 in 50 tries");
  }
}
