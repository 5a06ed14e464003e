package io.rtc2sip.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SipDestination;
import io.rtc2sip.testkit.Until;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node's view of its SIP destination servers reaches the dashboard's picture. */
class ClusterViewDestinationsTest {
  private final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      """).withFallback(ConfigFactory.load()));

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyServerOfEveryNodeIsARowWithItsNode() {
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Until.until(Duration.ofSeconds(10), () -> cluster.selfMember().status() == MemberStatus.up(),
        "this node up");
    NodeMetrics metrics = NodeMetrics.get(kit.system());
    metrics.sipDestinations(() -> List.of(
        new SipDestination("uk", "sip:10.0.0.6:5060", true, 1, 0,
            Instant.parse("2026-12-03T09:00:00Z"), 3.5, "200 in 3 ms", 12),
        new SipDestination("uk", "sip:10.0.0.5:5060", false, 2, 0,
            Instant.parse("2026-12-03T09:00:01Z"), -1, "timeout", 7)));
    NodeReports.start(kit.system());
    ClusterView view = new ClusterView(kit.system(), null, List.of(), Clock.systemUTC());
    List<Map<String, Object>> rows = Until.value(Duration.ofSeconds(10), () -> {
      List<Map<String, Object>> r = view.destinations().toCompletableFuture().join();
      return r.isEmpty() ? null : r;
    }, () -> "the node's report");
    Map<String, Object> down = new LinkedHashMap<>();
    down.put("node", metrics.node());
    down.put("set", "uk");
    down.put("server", "sip:10.0.0.5:5060");
    down.put("up", false);
    down.put("weight", 2);
    down.put("priority", 0);
    down.put("lastProbe", "2026-12-03T09:00:01Z");
    down.put("latencyMillis", -1.0);
    down.put("lastOutcome", "timeout");
    down.put("invites", 7L);
    assertEquals(2, rows.size(), rows.toString());
    assertEquals(down, rows.get(0), "sorted by set, then server");
    assertEquals("sip:10.0.0.6:5060", rows.get(1).get("server"));
  }
}
