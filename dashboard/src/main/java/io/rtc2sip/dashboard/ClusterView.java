package io.rtc2sip.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.rtc2sip.metrics.SipDestination;
import io.rtc2sip.metrics.SipTrace;
import io.rtc2sip.metrics.SupervisionEvent;
import io.rtc2sip.persistence.history.CallHistoryProjection;
import io.rtc2sip.persistence.history.CallRecords;
import io.rtc2sip.persistence.history.CallStats;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster as the dashboard shows it, assembled on whichever node serves the page: members
 * and reachability (cluster state), shards and entities per node (sharding statistics), calls
 * and chart figures (the call history, cluster-wide), supervision events, SIP traces and each
 * node's view of the SIP destination sets (asked from every node's {@link NodeReports}).
 */
final class ClusterView {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final Duration ASK = Duration.ofSeconds(3);
  private static final int SUPERVISION_SHOWN = 50;

  private final ActorSystem<?> system;
  private final CallHistoryProjection.Database database;
  private final List<EntityTypeKey<?>> entityTypes;
  private final Executor blocking;
  private final Clock clock;

  ClusterView(ActorSystem<?> system, CallHistoryProjection.Database database,
      List<EntityTypeKey<?>> entityTypes, Clock clock) {
    this.system = system;
    this.database = database;
    this.entityTypes = List.copyOf(entityTypes);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.clock = clock;
  }

  /** The whole picture as one JSON object (one server-sent event). */
  CompletionStage<String> snapshot() {
    ObjectNode root = JSON.createObjectNode();
    Instant now = clock.instant();
    root.put("at", now.toString()).put("servedBy", system.address().toString());
    members(root.putArray("members"));
    CompletionStage<Void> shards = shards(root.putArray("shards"));
    CompletionStage<Void> supervision = supervision().thenAccept(events -> {
      synchronized (root) {
        root.set("supervision", JSON.valueToTree(events));
      }
    });
    CompletionStage<Void> destinations = destinations().thenAccept(servers -> {
      synchronized (root) {
        root.set("destinations", JSON.valueToTree(servers));
      }
    });
    CompletionStage<Void> calls = history(root, now);
    return shards.thenCompose(x -> supervision).thenCompose(x -> destinations)
        .thenCompose(x -> calls).thenApply(x -> {
      synchronized (root) {
        return root.toString();
      }
    });
  }

  private void members(ArrayNode out) {
    Cluster cluster = Cluster.get(system);
    var state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Address leader = state.getLeader();
    for (Member m : state.getMembers()) {
      ObjectNode n = out.addObject();
      n.put("address", m.address().toString())
          .put("status", m.status().toString())
          .put("reachable", !unreachable.contains(m))
          .put("leader", m.address().equals(leader))
          .put("self", m.address().equals(cluster.selfMember().address()));
      n.putPOJO("roles", m.getRoles());
    }
  }

  private CompletionStage<Void> shards(ArrayNode out) {
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    ClusterSharding sharding = ClusterSharding.get(system);
    for (EntityTypeKey<?> type : entityTypes) {
      CompletionStage<ShardRegion.ClusterShardingStats> stats = AskPattern.ask(
          sharding.shardState(),
          replyTo -> new GetClusterShardingStats(type, ASK, replyTo), ASK.plusSeconds(1),
          system.scheduler());
      all = all.thenCompose(x -> stats.handle((s, failure) -> {
        if (s == null) {
          return null;
        }
        synchronized (out) {
          for (Map.Entry<Address, ShardRegion.ShardRegionStats> region
              : s.getRegions().entrySet()) {
            Map<String, Object> perShard = region.getValue().getStats();
            int entities = 0;
            for (Object count : perShard.values()) {
              entities += ((Number) count).intValue();
            }
            out.addObject().put("type", type.name())
                .put("node", region.getKey().toString())
                .put("shards", perShard.size())
                .put("entities", entities)
                .put("failedShards", region.getValue().getFailed().size());
          }
        }
        return null;
      }));
    }
    return all;
  }

  /** Every node's recent supervision events, newest first. */
  CompletionStage<List<SupervisionEvent>> supervision() {
    return everyNode().thenCompose(nodes -> {
      List<CompletableFuture<NodeReports.Supervision>> asks = new ArrayList<>();
      for (var node : nodes) {
        asks.add(AskPattern.<NodeReports.Command, NodeReports.Supervision>ask(node,
                NodeReports.GetSupervision::new, ASK, system.scheduler())
            .toCompletableFuture()
            .exceptionally(failure -> new NodeReports.Supervision(List.of())));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(x -> {
        List<SupervisionEvent> events = new ArrayList<>();
        asks.forEach(a -> events.addAll(a.join().events()));
        events.sort(Comparator.comparing(SupervisionEvent::at).reversed());
        return events.size() > SUPERVISION_SHOWN ? events.subList(0, SUPERVISION_SHOWN) : events;
      });
    });
  }

  /**
   * Every node's view of its destination sets' servers (each node probes on its own), by set,
   * server and node.
   */
  CompletionStage<List<Map<String, Object>>> destinations() {
    return everyNode().thenCompose(nodes -> {
      List<CompletableFuture<NodeReports.Destinations>> asks = new ArrayList<>();
      for (var node : nodes) {
        asks.add(AskPattern.<NodeReports.Command, NodeReports.Destinations>ask(node,
                NodeReports.GetDestinations::new, ASK, system.scheduler())
            .toCompletableFuture()
            .exceptionally(failure -> new NodeReports.Destinations("", List.of())));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(x -> {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var a : asks) {
          NodeReports.Destinations d = a.join();
          for (SipDestination s : d.servers()) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("node", d.node());
            row.put("set", s.set());
            row.put("server", s.server());
            row.put("up", s.up());
            row.put("weight", s.weight());
            row.put("priority", s.priority());
            row.put("lastProbe", s.lastProbe() == null ? null : s.lastProbe().toString());
            row.put("latencyMillis", s.latencyMillis());
            row.put("lastOutcome", s.lastOutcome());
            row.put("invites", s.invites());
            out.add(row);
          }
        }
        out.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("set"))
            .thenComparing(r -> (String) r.get("server"))
            .thenComparing(r -> (String) r.get("node")));
        return out;
      });
    });
  }

  /** The SIP messages of {@code callId} from every node, in time order, each with its node. */
  CompletionStage<List<Map<String, Object>>> sipTrace(String callId) {
    return everyNode().thenCompose(nodes -> {
      List<CompletableFuture<NodeReports.SipMessages>> asks = new ArrayList<>();
      for (var node : nodes) {
        asks.add(AskPattern.<NodeReports.Command, NodeReports.SipMessages>ask(node,
                replyTo -> new NodeReports.GetSipTrace(callId, replyTo), ASK, system.scheduler())
            .toCompletableFuture()
            .exceptionally(failure -> new NodeReports.SipMessages("", List.of())));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(x -> {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var a : asks) {
          NodeReports.SipMessages m = a.join();
          for (SipTrace.Message msg : m.messages()) {
            out.add(Map.of("node", m.node(), "at", msg.at().toString(), "sent", msg.sent(),
                "from", msg.from(), "to", msg.to(), "text", msg.text()));
          }
        }
        out.sort(Comparator.comparing(e -> (String) e.get("at")));
        return out;
      });
    });
  }

  private CompletionStage<Set<org.apache.pekko.actor.typed.ActorRef<NodeReports.Command>>>
      everyNode() {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(NodeReports.KEY, replyTo), ASK, system.scheduler())
        .thenApply(listing -> listing.getServiceInstances(NodeReports.KEY));
  }

  private CompletionStage<Void> history(ObjectNode root, Instant now) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = database.connect()) {
        List<CallRecords.CallRecord> active = CallStats.active(c, now.minus(Duration.ofDays(1)),
            200);
        List<CallRecords.CallRecord> recent = CallRecords.search(c, new CallRecords.Query(null,
            null, null, now.minus(Duration.ofDays(1)), null, null, null, 25));
        Map<Instant, Long> setups = CallStats.setups(c, now.minus(Duration.ofMinutes(10)), 10);
        Map<String, Long> outcomes = CallStats.outcomes(c, now.minus(Duration.ofHours(1)));
        synchronized (root) {
          root.set("activeCalls", JSON.valueToTree(active));
          root.set("recentCalls", JSON.valueToTree(recent));
          ArrayNode rate = root.putArray("setupsPerSecond");
          setups.forEach((t, n) -> rate.addArray().add(t.toString()).add(n / 10.0));
          root.set("outcomes", JSON.valueToTree(outcomes));
        }
        return null;
      } catch (Exception e) {
        synchronized (root) {
          root.put("historyError", "call history not readable: " + e.getMessage());
        }
        return null;
      }
    }, blocking);
  }
}
