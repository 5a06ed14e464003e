package io.rtc2sip.tests.support;

import io.rtc2sip.sip.Kamailio;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The project's Kamailio front ({@code kamailio/kamailio.cfg}, unchanged) in front of gateway
 * nodes: a dispatcher list naming the nodes is written, Kamailio runs on a free loopback port
 * (UDP and TCP) with its logs, pid file and control socket under target/kamailio-front-&lt;port&gt;,
 * and is stopped by {@link #close()}. Point the nodes' {@code RTC2SIP_SIP_OUTBOUND_PROXY} at
 * {@link #uri()} and SIP peers at {@link #port}:
 *
 * <pre>{@code
 * try (KamailioFront front = KamailioFront.start(List.of(sipPort1, sipPort2, sipPort3))) {
 *   env.put("RTC2SIP_SIP_OUTBOUND_PROXY", front.uri());   // every node
 *   Sipp caller = Sipp.uac("uac_call_pcap", front.port, uid, holdMs);
 *   front.awaitNodeDown(sipPort2, Duration.ofSeconds(30)); // after killing that node
 * }
 * }</pre>
 *
 * <p>The nodes must listen on 127.0.0.1 (their {@code RTC2SIP_SIP_HOST} default) and, being on
 * loopback, are trusted by the front's default {@code SIP_TRUSTED}, as the front is by theirs.
 */
public final class KamailioFront implements AutoCloseable {
  public final int port;
  private final Process process;
  private final Path dir;

  private KamailioFront(int port, Process process, Path dir) {
    this.port = port;
    this.process = process;
    this.dir = dir;
  }

  /**
   * Starts the front for the gateway nodes listening on 127.0.0.1 at {@code nodeSipPorts}, with
   * the configuration's defaults (probes every second, a node down after one unanswered probe).
   */
  public static KamailioFront start(List<Integer> nodeSipPorts) throws Exception {
    return start(nodeSipPorts, Map.of());
  }

  /**
   * As {@link #start(List)}, with settings of the configuration changed (its {@code -A} defines,
   * e.g. {@code DS_PING_INTERVAL} = {@code 2}).
   */
  public static KamailioFront start(List<Integer> nodeSipPorts, Map<String, String> settings)
      throws Exception {
    if (!Files.isExecutable(Path.of("/usr/sbin/kamailio"))) {
      throw new IllegalStateException("kamailio is not installed: apt-get install kamailio"
          + " (.ci/run installs it)");
    }
    int port = Sipp.freeUdpPort();
    Path dir = Path.of("target", "kamailio-front-" + port).toAbsolutePath();
    Files.createDirectories(dir);
    Path list = dir.resolve("dispatcher.list");
    Files.writeString(list, dispatcherList(nodeSipPorts));
    Map<String, String> defines = new LinkedHashMap<>();
    defines.put("DS_LIST", "\"" + list + "\"");
    defines.put("CTL_SOCK", "\"unix:" + dir.resolve("kamailio_ctl") + "\"");
    defines.putAll(settings);
    List<String> cmd = new ArrayList<>(List.of("kamailio", "-f", config().toString(), "-DD",
        "-E", "-l", "udp:127.0.0.1:" + port, "-l", "tcp:127.0.0.1:" + port, "-m", "64", "-M",
        "16", "-Y", dir.toString(), "-P", dir.resolve("kamailio.pid").toString(), "-w",
        dir.toString()));
    defines.forEach((name, value) -> cmd.addAll(List.of("-A", name + "=" + value)));
    Process process = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("kamailio.log").toFile())
        .start();
    KamailioFront front = new KamailioFront(port, process, dir);
    try {
      Kamailio.awaitOptions(process, port, front::log);
    } catch (Exception | Error e) {
      front.close();
      throw e;
    }
    return front;
  }

  /** The dispatcher list of the nodes: set 1, one line each. */
  static String dispatcherList(List<Integer> nodeSipPorts) {
    StringBuilder s = new StringBuilder("# written by KamailioFront\n");
    for (int i = 0; i < nodeSipPorts.size(); i++) {
      s.append("1 sip:127.0.0.1:").append(nodeSipPorts.get(i)).append(" 0 0 duid=node-")
          .append(i + 1).append('\n');
    }
    return s.toString();
  }

  /** The project's configuration: kamailio/kamailio.cfg in the first folder up that has it. */
  static Path config() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path cfg = d.resolve("kamailio").resolve("kamailio.cfg");
      if (Files.isRegularFile(cfg)) {
        return cfg;
      }
    }
    throw new IllegalStateException("kamailio/kamailio.cfg not found above "
        + Path.of("").toAbsolutePath());
  }

  /** The front as an outbound proxy ({@code RTC2SIP_SIP_OUTBOUND_PROXY}). */
  public String uri() {
    return "sip:127.0.0.1:" + port;
  }

  /** Waits until the front has marked the node on {@code sipPort} down (its OPTIONS failed). */
  public void awaitNodeDown(int sipPort, Duration timeout) throws Exception {
    awaitLog("gateway node DOWN: sip:127.0.0.1:" + sipPort, timeout);
  }

  /** Waits until {@code text} is in Kamailio's log. */
  public void awaitLog(String text, Duration timeout) {
    Until.until(timeout, Until.checking(() -> log().contains(text)),
        () -> "'" + text + "' in " + dir.resolve("kamailio.log"));
  }

  public String log() throws IOException {
    Path l = dir.resolve("kamailio.log");
    return Files.exists(l) ? Files.readString(l) : "";
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    Kamailio.stop(process);
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
