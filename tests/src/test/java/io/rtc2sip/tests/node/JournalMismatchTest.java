package io.rtc2sip.tests.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on two embedded databases: the second, seeded by the first, does not join (its calls'
 * events would go where the cluster never reads them); it says why, naming both journals, and
 * exits. The first stays a cluster of one.
 */
class JournalMismatchTest {
  private static final Pattern JOURNAL = Pattern.compile("journal identity ([0-9a-f-]{36})");

  @TempDir Path first;
  @TempDir Path second;

  @Test
  void aNodeOnAnotherJournalDatabaseDoesNotJoinAndSaysWhy() throws Exception {
    Path logs = Path.of("target", "node-logs", "journal-mismatch");
    Map<String, String> one = env(first);
    try (NodeProcess a = NodeProcess.start("journal-a", "io.rtc2sip.app.Main", one, logs)) {
      a.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(90));
      String journalA = journal(a);

      Map<String, String> two = env(second);
      two.put("RTC2SIP_SEED_NODES", "pekko://rtc2sip@127.0.0.1:" + one.get("RTC2SIP_NODE_PORT"));
      try (NodeProcess b = NodeProcess.start("journal-b", "io.rtc2sip.app.Main", two, logs)) {
        b.awaitLine(l -> l.contains("journal identity "), Duration.ofSeconds(90));
        String journalB = journal(b);
        assertNotEquals(journalA, journalB);
        b.awaitLine(l -> l.contains("journal database differs: this node's journal is " + journalB
            + ", the cluster's is " + journalA), Duration.ofSeconds(60));
        int exit = b.terminate(Duration.ofSeconds(60)); // it is leaving by itself already
        assertTrue(b.linesMatching(l -> l.contains("Up") && l.contains("Member is Up")).isEmpty(),
            "never a member: " + b.tail(20));
        assertTrue(exit == 0 || exit == 143, "exit code " + exit);
      }
      String members = get(Integer.parseInt(one.get("RTC2SIP_MANAGEMENT_PORT")), "/cluster/members");
      assertEquals(1, members.split("\"status\"").length - 1, members);
      a.terminate(Duration.ofSeconds(60));
    }
  }

  private static String journal(NodeProcess node) {
    String line = node.linesMatching(l -> l.contains("journal identity ")).get(0);
    Matcher m = JOURNAL.matcher(line);
    assertTrue(m.find(), line);
    return m.group(1);
  }

  private static Map<String, String> env(Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DATA_DIR", dataDir.toString());
    for (String port : new String[] {"NODE", "MANAGEMENT", "HTTP", "SIP", "SIGNALING", "RTC_LOOPBACK"}) {
      env.put("RTC2SIP_" + port + "_PORT", String.valueOf(FreePorts.next()));
    }
    return env;
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
