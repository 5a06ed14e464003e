package io.rtc2sip.tests.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.app.GatewayNode;
import io.rtc2sip.app.NodeConfig;
import io.rtc2sip.app.NodeServices;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.tests.support.CallStates;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.RecordingPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-node cluster on PostgreSQL is stopped and a new actor system is started on the same
 * database: calls are found in their states, and the active ones come back by themselves
 * (remember-entities) and re-anchor their media without any message sent to them.
 */
class NodeRestartTest {
  @TempDir static Path dir;
  private static EmbeddedDatabase database;

  @BeforeAll
  static void startDatabase() throws Exception {
    database = EmbeddedDatabase.start(dir.resolve("db"), 0);
  }

  @AfterAll
  static void stopDatabase() {
    if (database != null) {
      database.close();
    }
  }

  private static Config config() {
    // in-process nodes take their settings as overrides (RTC2SIP_* variables are read from the
    // real environment when the files are resolved)
    Map<String, Object> settings =
        Map.of(
            "rtc2sip.db.url", database.jdbcUrl(),
            "rtc2sip.data-dir", dir.resolve("node").toString(),
            "rtc2sip.node.port", FreePorts.next(),
            "pekko.management.http.port", FreePorts.next(),
            "rtc2sip.http.port", FreePorts.next(),
            "pekko.coordinated-shutdown.exit-jvm", "off");
    return NodeConfig.load(Map.of(), ConfigFactory.parseMap(settings));
  }

  @Test
  void callsSurviveARestartOfTheWholeCluster() throws Exception {
    BlockingQueue<String> before = new LinkedBlockingQueue<>();
    String active = CallIds.newOutbound();
    String held = CallIds.newOutbound();
    String ringing = CallIds.newOutbound();
    String ended = CallIds.newOutbound();
    Map<String, CallView> views;
    try (GatewayNode node = GatewayNode.start(config(), services(before))) {
      Calls calls = new Calls(ClusterSharding.get(node.system()));
      for (String id : List.of(active, held, ringing, ended)) {
        assertInstanceOf(CallReply.Accepted.class, calls.ask(id, r ->
            new CallCommand.PlaceCall("alice", "room-a", "sip:+4930123@pbx.example", r)));
      }
      calls.tell(active, answered());
      calls.tell(held, answered());
      calls.tell(ringing, new CallCommand.SipProvisional(180, "tag-r", null));
      calls.tell(ended, new CallCommand.SipFailed(486, "Busy Here"));
      CallStates.await(calls::view, active, "Active", Duration.ofSeconds(20));
      CallStates.await(calls::view, held, "Active", Duration.ofSeconds(20));
      assertInstanceOf(CallReply.Accepted.class,
          calls.ask(held, r -> new CallCommand.Hold("alice", r)));
      CallStates.await(calls::view, ringing, "Ringing", Duration.ofSeconds(20));
      CallStates.await(calls::view, ended, "Ended", Duration.ofSeconds(20));
      views = Map.of(active, calls.view(active), held, calls.view(held),
          ringing, calls.view(ringing), ended, calls.view(ended));
      assertEquals("Held", views.get(held).state());
    }

    BlockingQueue<String> after = new LinkedBlockingQueue<>();
    try (GatewayNode node = GatewayNode.start(config(), services(after))) {
      // no message is sent to any call: remember-entities starts the live ones
      Set<String> reanchored = new HashSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (reanchored.size() < 2 && System.nanoTime() < deadline) {
        String line = after.poll(1, TimeUnit.SECONDS);
        if (line != null && line.startsWith("PORT media Reanchor ")) {
          reanchored.add(line.split(" ")[3]);
        }
      }
      assertEquals(Set.of(active, held), reanchored, "re-anchored without a message: " + after);

      Calls calls = new Calls(ClusterSharding.get(node.system()));
      CallView activeNow = calls.view(active);
      assertEquals("Active", activeNow.state());
      assertEquals(views.get(active).dialog().localCseq() + 1, activeNow.dialog().localCseq(),
          "the re-anchoring re-INVITE is persisted with its CSeq");
      CallView heldNow = calls.view(held);
      assertEquals("Held", heldNow.state());
      assertTrue(heldNow.localHold());
      assertEquals(views.get(ringing), calls.view(ringing));
      CallView endedNow = calls.view(ended);
      assertEquals("Ended", endedNow.state());
      assertNotNull(endedNow.endCause());
      assertTrue(after.stream().noneMatch(l -> l.contains(ended) || l.contains(ringing)),
          "ended and ringing calls did nothing on recovery: " + after);

      // the live view over the node's HTTP API
      int httpPort = node.system().settings().config().getInt("rtc2sip.http.port");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> live = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/api/calls/" + held + "/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, live.statusCode(), live.body());
      assertTrue(live.body().contains("\"state\":\"Held\""), live.body());
      assertTrue(live.body().contains("\"localHold\":true"), live.body());
      // the replay of the held call: every event, the states the entity went through
      HttpResponse<String> replay = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/api/calls/" + held + "/replay")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, replay.statusCode(), replay.body());
      com.fasterxml.jackson.databind.JsonNode timeline =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(replay.body());
      List<String> states = new java.util.ArrayList<>();
      timeline.get("steps").forEach(st -> states.add(st.get("after").asText()));
      assertEquals(List.of("Dialing", "Active", "Held", "Held"), states, replay.body());
      assertEquals(heldNow.state(), timeline.get("state").asText());
      assertTrue(timeline.get("steps").get(0).get("node").asText().startsWith("pekko://"),
          replay.body());
      // the same from the command line (bin/rtc2sip replay)
      java.io.PrintStream stdout = System.out;
      java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
      System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      int known;
      int unknownId;
      try {
        known = io.rtc2sip.app.Replay.run(new String[] {held}, config());
        unknownId = io.rtc2sip.app.Replay.run(new String[] {"o-no-such-call"}, config());
      } finally {
        System.setOut(stdout);
      }
      String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, known, text);
      assertEquals(3, unknownId);
      assertTrue(text.contains("CallHeld") && text.contains("Active -> Held"), text);
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/api/calls/o-unknown/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, unknown.statusCode(), unknown.body());
      for (String path : new String[] {"o-%00/live", "o-%00/replay", "x-1/replay"}) {
        // never an entity or a journal query for an id that cannot be a call's
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + httpPort + "/api/calls/" + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, bad.statusCode(), path + ": " + bad.body());
        assertEquals("not a call id", bad.body(), path);
      }

      // the call history, fed from the journal across the restart: every call once, with all
      // its events, the failed one findable by uid, time and cause (HTTP and command line)
      String search = "http://127.0.0.1:" + httpPort + "/api/calls?uid=alice&since=1h";
      com.fasterxml.jackson.databind.JsonNode history = null;
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < until) {
        history = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(
            HttpRequest.newBuilder(URI.create(search)).build(),
            HttpResponse.BodyHandlers.ofString()).body()).get("calls");
        if (history.size() == 4 && eventsOf(history, held) == timeline.get("steps").size()
            && eventsOf(history, ended) == 2) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(4, history.size(), history.toString());
      assertEquals(timeline.get("steps").size(), eventsOf(history, held), history.toString());
      assertEquals(2, eventsOf(history, ended), history.toString());
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + httpPort + "/api/calls?since=yesterday")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("since must be"), bad.body());
      printed.reset();
      System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      int found;
      try {
        found = io.rtc2sip.app.Calls.run(new String[] {"--uid", "alice", "--since", "1h",
            "--cause", "busy"}, config());
      } finally {
        System.setOut(stdout);
      }
      String listed = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, found, listed);
      assertTrue(listed.contains(ended) && listed.contains("BUSY") && listed.endsWith("1 call\n"),
          listed);
    }
  }

  private static int eventsOf(com.fasterxml.jackson.databind.JsonNode calls, String callId) {
    for (com.fasterxml.jackson.databind.JsonNode c : calls) {
      if (c.get("callId").asText().equals(callId)) {
        return c.get("events").asInt();
      }
    }
    return 0;
  }

  private static CallCommand.SipAnswered answered() {
    return new CallCommand.SipAnswered("tag-a", "sip:callee@10.0.0.2", List.of(),
        NegotiatedMedia.pcmu());
  }

  private static java.util.function.Consumer<org.apache.pekko.actor.typed.ActorSystem<Void>>
      services(BlockingQueue<String> sink) {
    return system -> NodeServices.start(system, RecordingPorts.into(sink::add));
  }

  /** Calls through the node's own sharding. */
  private record Calls(ClusterSharding sharding) {
    private static final Duration ASK = Duration.ofSeconds(15);

    CallReply ask(String id, Function<ActorRef<CallReply>, CallCommand> command) {
      return sharding.entityRefFor(CallEntity.TYPE_KEY, id)
          .<CallReply>ask(command::apply, ASK).toCompletableFuture().join();
    }

    void tell(String id, CallCommand fact) {
      sharding.entityRefFor(CallEntity.TYPE_KEY, id).tell(fact);
    }

    CallView view(String id) {
      return sharding.entityRefFor(CallEntity.TYPE_KEY, id)
          .<CallView>ask(CallCommand.GetCall::new, ASK).toCompletableFuture().join();
    }
  }
}
