package io.rtc2sip.tests.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import io.rtc2sip.testkit.Until;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL takes its embedded PostgreSQL with it: nothing of it keeps the
 * port and the data directory, and the next node on the same data directory starts.
 */
class EmbeddedDatabaseKillTest {
  /** How soon after the node's JVM is gone its PostgreSQL must be gone too. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dataDir;

  @AfterEach
  void stopWhatIsLeft() {
    // a failed run must not leave a server of this test behind
    postgresOf(dataDir).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void postgresDiesWithAKilledNodeAndTheNextNodeStartsOnTheSameData() throws Exception {
    Path logs = Path.of("target", "node-logs", "embedded-kill");
    try (NodeProcess node = NodeProcess.start("killed", "io.rtc2sip.app.Main", env(), logs)) {
      node.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(90));
      assertTrue(!postgresOf(dataDir).isEmpty(), "the node runs its embedded PostgreSQL");
      node.kill();
    }
    long killed = System.nanoTime();
    // polling other processes' presence
    Until.until(BOUND, () -> postgresOf(dataDir).isEmpty(),
        () -> "PostgreSQL of the killed node gone, still runs: " + postgresOf(dataDir).stream()
            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    System.out.printf("embedded PostgreSQL gone %d ms after the node's JVM%n",
        java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));

    try (NodeProcess next = NodeProcess.start("next", "io.rtc2sip.app.Main", env(), logs)) {
      next.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(90));
      int exit = next.terminate(Duration.ofSeconds(60));
      assertTrue(exit == 0 || exit == 143, "exit code " + exit);
    }
    assertTrue(postgresOf(dataDir).isEmpty(), "a stopped node leaves no PostgreSQL behind");
  }

  /** The PostgreSQL processes (postmaster and its children) serving {@code dataDir}. */
  static List<ProcessHandle> postgresOf(Path dataDir) {
    Path pgData = dataDir.resolve("postgres");
    Path pidFile = pgData.resolve("postmaster.pid");
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.info().commandLine().map(c -> c.contains("-D " + pgData)).orElse(false)
              || p.parent().map(parent -> parent.info().commandLine()
                  .map(c -> c.contains("-D " + pgData)).orElse(false)).orElse(false)
              || isPostmasterOf(p, pidFile))
          .toList();
    }
  }

  private static boolean isPostmasterOf(ProcessHandle p, Path pidFile) {
    try {
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
      return Long.parseLong(first) == p.pid() && p.isAlive();
    } catch (Exception e) {
      return false; // no pid file: no server
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
}
