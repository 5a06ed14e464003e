package io.rtc2sip.tests.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.tests.support.CallStates;
import io.rtc2sip.tests.support.ClusterClient;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway JVMs on loopback form a cluster with a third member that only drives calls. Calls
 * run on both nodes; one node is killed with SIGKILL; its calls must run again on the survivor,
 * recovered from the journal in the states they had, and re-anchor their media there. The time
 * from SIGKILL to the last call re-anchored is measured and written to
 * target/failover-figures.txt.
 */
class NodeFailoverTest {
  private static final int CALLS = 24;
  private static final String SBR_STABLE_AFTER = "2s";
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void callsOfAKilledNodeRunAgainOnTheSurvivor() throws Exception {
    Path logs = Path.of("target", "node-logs", "failover");
    int portA = FreePorts.next();
    int portB = FreePorts.next();
    String seed = "pekko://rtc2sip@127.0.0.1:" + portA;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
        NodeProcess a = NodeProcess.start("node-a", RecordingNode.class.getName(),
            env(db, "a", portA, seed), logs);
        NodeProcess b = NodeProcess.start("node-b", RecordingNode.class.getName(),
            env(db, "b", portB, seed), logs)) {
      a.awaitLine(l -> l.equals("rtc2sip node up"), Duration.ofSeconds(90));
      b.awaitLine(l -> l.equals("rtc2sip node up"), Duration.ofSeconds(90));
      try (ClusterClient client = ClusterClient.join(seed, FreePorts.next(),
          Map.of("rtc2sip.cluster.sbr-stable-after", SBR_STABLE_AFTER))) {
        client.awaitMembersUp(3, Duration.ofSeconds(60));

        // calls on both nodes: every third one held by the RTC user
        Map<String, Boolean> held = new LinkedHashMap<>();
        for (int i = 0; i < CALLS; i++) {
          String id = CallIds.newOutbound();
          assertInstanceOf(CallReply.Accepted.class,
              client.placeCall(id, "user-" + i, "sip:+49301234" + i + "@pbx.example"));
          client.tell(id, new CallCommand.SipAnswered("tag-" + i, "sip:peer@10.0.0.2",
              List.of(), NegotiatedMedia.pcma()));
          held.put(id, i % 3 == 0);
        }
        Map<String, CallView> before = new HashMap<>();
        int index = 0;
        for (var call : held.entrySet()) {
          String uid = "user-" + index++;
          CallStates.await(client::view, call.getKey(), "Active", Duration.ofSeconds(20));
          if (call.getValue()) {
            assertInstanceOf(CallReply.Accepted.class,
                client.ask(call.getKey(), r -> new CallCommand.Hold(uid, r)));
          }
        }
        List<String> onB = new ArrayList<>();
        for (String id : held.keySet()) {
          CallView view = client.view(id);
          before.put(id, view);
          if (!b.linesMatching(l -> l.startsWith("PORT sip Invite " + id)).isEmpty()) {
            onB.add(id);
          }
        }
        assertFalse(onB.isEmpty(), "no call ran on node b");
        assertTrue(onB.size() < CALLS, "no call ran on node a");

        long killed = System.nanoTime();
        b.kill();
        long lastReanchored = 0;
        for (String id : onB) {
          a.awaitLine(l -> l.startsWith("PORT media Reanchor " + id), Duration.ofSeconds(120));
          lastReanchored = System.nanoTime();
        }
        Duration failover = Duration.ofNanos(lastReanchored - killed);

        for (String id : onB) {
          CallView was = before.get(id);
          CallView now = client.view(id);
          assertEquals(was.state(), now.state(), id);
          assertEquals(was.localHold(), now.localHold(), id);
          assertEquals(was.rtc(), now.rtc(), id);
          assertEquals(was.media(), now.media(), id);
          assertEquals(was.dialog().localCseq() + 1, now.dialog().localCseq(),
              id + ": the re-INVITE of the re-anchoring is in the journal");
          a.awaitLine(l -> l.startsWith("PORT sip Reinvite " + id + " cseq="
              + now.dialog().localCseq()), Duration.ofSeconds(5));
        }
        for (String id : held.keySet()) {
          if (!onB.contains(id)) {
            assertTrue(a.linesMatching(l -> l.startsWith("PORT media Reanchor " + id)).isEmpty(),
                id + " stayed on node a and must not re-anchor");
            assertEquals(before.get(id).dialog(), client.view(id).dialog());
          }
        }
        String figure = String.format(
            "failover: %d of %d calls on the killed node re-anchored on the survivor %d ms after"
                + " SIGKILL (split-brain resolver stable-after %s)%n",
            onB.size(), CALLS, failover.toMillis(), SBR_STABLE_AFTER);
        System.out.print(figure);
        Files.writeString(Path.of("target", "failover-figures.txt"), figure,
            StandardCharsets.UTF_8);
        assertTrue(failover.compareTo(BOUND) < 0, figure);
      }
      a.terminate(Duration.ofSeconds(60));
    }
  }

  private Map<String, String> env(EmbeddedDatabase db, String name, int port, String seed) {
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DB_URL", db.jdbcUrl());
    env.put("RTC2SIP_DATA_DIR", dir.resolve(name).toString());
    env.put("RTC2SIP_NODE_PORT", String.valueOf(port));
    env.put("RTC2SIP_SEED_NODES", seed);
    env.put("RTC2SIP_SBR_STABLE_AFTER", SBR_STABLE_AFTER);
    env.put("RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIGNALING_PORT", String.valueOf(FreePorts.next()));
    return env;
  }
}
