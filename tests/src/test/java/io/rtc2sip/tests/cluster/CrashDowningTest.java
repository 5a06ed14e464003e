package io.rtc2sip.tests.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash downing tells a dead node from a paused one. Two node JVMs: one is paused with SIGSTOP
 * (as a long GC pause or an overloaded host would): the other finds it unreachable, sees its
 * remoting port still accepting connections and leaves it to the split-brain resolver (whose
 * stable-after here is longer than the pause), so it comes back as a member. Then it is killed
 * with SIGKILL: it is downed and removed within a second, long before the failure detector
 * would even find it unreachable.
 */
class CrashDowningTest {
  @TempDir Path dir;

  @Test
  void aKilledNodeIsDownedAtOnceAndAPausedOneIsNot() throws Exception {
    Path logs = Path.of("target", "node-logs", "crash-downing");
    int portA = FreePorts.next();
    int portB = FreePorts.next();
    String seed = "pekko://rtc2sip@127.0.0.1:" + portA;
    String addressB = "pekko://rtc2sip@127.0.0.1:" + portB;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
        NodeProcess a = NodeProcess.start("node-a", RecordingNode.class.getName(),
            env(db, "a", portA, seed), logs);
        NodeProcess b = NodeProcess.start("node-b", RecordingNode.class.getName(),
            env(db, "b", portB, seed), logs)) {
      a.awaitLine(l -> l.equals("rtc2sip node up"), Duration.ofSeconds(90));
      b.awaitLine(l -> l.equals("rtc2sip node up"), Duration.ofSeconds(90));
      a.awaitLine(l -> l.contains("Leader is moving node [" + addressB + "] to [Up]"),
          Duration.ofSeconds(60));

      b.pause();
      try {
        a.awaitLine(l -> l.contains("member " + addressB + ": unreachable to the failure detector,"
            + " but its remoting port accepts connections"), Duration.ofSeconds(30));
      } finally {
        b.resume();
      }
      a.awaitLine(l -> l.contains("Marking node as REACHABLE") && l.contains(addressB),
          Duration.ofSeconds(30));
      assertTrue(a.linesMatching(l -> l.contains("downing it now")).isEmpty(),
          "a paused node was downed:\n" + a.tail(30));

      long killed = System.nanoTime();
      b.kill();
      a.awaitLine(l -> l.contains("member-removed of " + addressB), Duration.ofSeconds(30));
      Duration removed = Duration.ofNanos(System.nanoTime() - killed);
      // found by its liveness link, and maybe by the failure detector too: downed either way
      assertTrue(!a.linesMatching(l -> l.contains("member " + addressB + " is gone")).isEmpty(),
          a.tail(30));
      // the failure detector alone takes about 4 s to find it unreachable, the resolver 30 s more
      assertTrue(removed.compareTo(Duration.ofSeconds(3)) < 0,
          "the killed node was removed only " + removed.toMillis() + " ms after SIGKILL");
      System.out.println("crash downing: killed node removed " + removed.toMillis() + " ms after SIGKILL");
      a.terminate(Duration.ofSeconds(60));
    }
  }

  private Map<String, String> env(EmbeddedDatabase db, String name, int port, String seed) {
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DB_URL", db.jdbcUrl());
    env.put("RTC2SIP_DATA_DIR", dir.resolve(name).toString());
    env.put("RTC2SIP_NODE_PORT", String.valueOf(port));
    env.put("RTC2SIP_SEED_NODES", seed);
    env.put("RTC2SIP_SBR_STABLE_AFTER", "30s");
    env.put("RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIGNALING_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(FreePorts.next()));
    return env;
  }
}
