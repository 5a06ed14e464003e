package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "several nodes on one machine" example, run as the README gives it: three node
 * processes with the environment of its code block (its ports moved consistently to free ones so
 * that the test runs beside other runs, its data directories under a temporary directory). All
 * three become members, every listener of every node binds, nodes 2 and 3 use node 1's embedded
 * database, and a call placed through node 3 is answered.
 */
class ReadmeClusterTest {
  private static final Pattern PORT = Pattern.compile("\\b\\d{4,5}\\b");

  @TempDir Path dir;

  @Test
  void theReadmeExampleFormsAClusterOfThreeThatPlacesACall() throws Exception {
    List<Map<String, String>> nodes = onFreePorts(readmeNodes(Path.of("..", "README.md")));
    assertEquals(3, nodes.size(), "three nodes in the README's example");
    Path logs = Path.of("target", "node-logs", "readme-cluster");
    List<NodeProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < nodes.size(); i++) {
        started.add(NodeProcess.start("readme-node" + (i + 1), "io.rtc2sip.app.Main", nodes.get(i), logs));
        if (i == 0) { // the README starts node 1 first: it runs the journal database
          started.get(0).awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        }
      }
      for (NodeProcess node : started) {
        node.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
      }
      int management = port(nodes.get(0), "MANAGEMENT");
      awaitUpMembers(management, 3);

      for (int i = 0; i < nodes.size(); i++) {
        Map<String, String> env = nodes.get(i);
        NodeProcess node = started.get(i);
        for (String listener : List.of(
            "SIP listening on 127.0.0.1:" + port(env, "SIP") + " (UDP)",
            "SIP listening on 127.0.0.1:" + port(env, "SIP") + " (TCP)",
            "signaling listening on tcp://127.0.0.1:" + port(env, "SIGNALING"),
            "loopback RTC network listening on udp://127.0.0.1:" + port(env, "RTC_LOOPBACK"),
            "http listening on http://127.0.0.1:" + port(env, "HTTP"),
            "management listening on http://127.0.0.1:" + port(env, "MANAGEMENT"),
            "cluster remoting listening on pekko://rtc2sip@127.0.0.1:" + port(env, "NODE"),
            "journal database jdbc:postgresql://127.0.0.1:" + port(nodes.get(0), "DB_EMBEDDED")
                + "/postgres")) {
          assertEquals(1, node.linesMatching(l -> l.contains(listener)).size(),
              "node " + (i + 1) + ": " + listener + "\n" + node.tail(30));
        }
        assertEquals("OK", get(port(env, "MANAGEMENT"), "/ready"), "node " + (i + 1) + " ready");
      }

      try (SignalingCallsTest.Phone alice = new SignalingCallsTest.Phone("alice",
              port(nodes.get(2), "SIGNALING"));
          Sipp uas = Sipp.uas("uas_answer", 60000)) {
        String callId = alice.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + uas.port
            + "\"}").get("callId").asText();
        assertEquals(callId, alice.await("answered", uas).get("callId").asText());
        alice.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        assertEquals("local-hangup", alice.await("ended").get("cause").asText());
        uas.assertByeAnswered();
      }
    } finally {
      for (int i = started.size() - 1; i >= 0; i--) { // node 1, with the database, last
        NodeProcess node = started.get(i);
        if (node.isAlive()) {
          node.terminate(Duration.ofSeconds(60));
        }
        node.close();
      }
    }
  }

  /** The environment of each {@code bin/rtc2sip run} of the README's block, in order. */
  static List<Map<String, String>> readmeNodes(Path readme) throws Exception {
    String text = Files.readString(readme);
    int section = text.indexOf("Several nodes on one machine:");
    assertTrue(section >= 0, "README section \"Several nodes on one machine\"");
    int open = text.indexOf("```sh\n", section) + "```sh\n".length();
    String block = text.substring(open, text.indexOf("```", open)).replace("\\\n", " ");
    List<Map<String, String>> nodes = new ArrayList<>();
    for (String line : block.split("\n")) {
      String command = line.strip();
      if (command.isEmpty() || command.startsWith("#")) {
        continue;
      }
      assertTrue(command.endsWith(" bin/rtc2sip run"), "a node's command: " + command);
      Map<String, String> env = new LinkedHashMap<>();
      for (String word : command.substring(0, command.length() - " bin/rtc2sip run".length())
          .trim().split("\\s+")) {
        int eq = word.indexOf('=');
        assertTrue(word.startsWith("RTC2SIP_") && eq > 0, "a setting: " + word);
        env.put(word.substring(0, eq), word.substring(eq + 1));
      }
      nodes.add(env);
    }
    return nodes;
  }

  /**
   * The same nodes with every port the README names moved to a free one (the same README port
   * to the same free port, in seed addresses and the database URL too), and data directories
   * under this test's directory.
   */
  private List<Map<String, String>> onFreePorts(List<Map<String, String>> nodes) {
    Map<String, String> moved = new HashMap<>();
    for (Map<String, String> env : nodes) {
      env.forEach((k, v) -> {
        if (k.endsWith("_PORT")) {
          moved.computeIfAbsent(v, p -> String.valueOf(FreePorts.next()));
        }
      });
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, String> env : nodes) {
      Map<String, String> e = new HashMap<>();
      env.forEach((k, v) -> {
        if (k.equals("RTC2SIP_DATA_DIR")) {
          e.put(k, dir.resolve(v).toString());
        } else {
          Matcher m = PORT.matcher(v);
          e.put(k, m.replaceAll(r -> moved.getOrDefault(r.group(), r.group())));
        }
      });
      out.add(e);
    }
    return out;
  }

  private static int port(Map<String, String> env, String name) {
    return Integer.parseInt(env.get("RTC2SIP_" + name + "_PORT"));
  }

  private static void awaitUpMembers(int managementPort, int count) {
    String[] members = {""};
    // polling another process's HTTP endpoint
    Until.until(Duration.ofSeconds(60), Until.checking(() -> (members[0] = get(managementPort,
        "/cluster/members")).split("\"status\":\"Up\"").length - 1 == count),
        () -> count + " members Up expected: " + members[0]);
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
