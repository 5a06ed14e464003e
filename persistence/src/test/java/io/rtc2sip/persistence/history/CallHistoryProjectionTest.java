package io.rtc2sip.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallEvent;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.persistence.JournalSchema;
import io.rtc2sip.testkit.Until;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call-history projection against a real journal in PostgreSQL: events written by event
 * sourced actors with the entity's persistence ids and tags reach the history tables once, and
 * the projection catches up after it was stopped.
 */
class CallHistoryProjectionTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path root;
  private static EmbeddedDatabase database;
  private static ActorTestKit kit;

  @BeforeAll
  static void start() throws Exception {
    database = EmbeddedDatabase.start(root, 0);
    try (Connection c = connect()) {
      JournalSchema.create(c);
      CallRecords.createTables(c);
      CallRecords.createTables(c); // idempotent
    }
    kit = ActorTestKit.create("history", config(database.jdbcUrl()));
  }

  @AfterAll
  static void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void callsAreProjectedOnceAndTheProjectionCatchesUpAfterARestart() throws Exception {
    persist("node-1", "a", List.of(
        new CallEvent.CallDialed("a", Party.rtc("alice"), Party.sip("sip:+4930123@pbx.test"),
            new RtcLeg("ch-a", "alice"), dialog("a"), T0.plusSeconds(60), T0),
        new CallEvent.CallRinging(180, "rt", null, T0.plusSeconds(1)),
        new CallEvent.CallAnswered(dialog("a"), NegotiatedMedia.pcma(), T0.plusSeconds(3), false),
        new CallEvent.CallEnded(EndCause.REMOTE_HANGUP, 200, "BYE", T0.plusSeconds(30))));
    persist("node-1", "b", List.of(
        new CallEvent.CallReceived("b", Party.sip("sip:bob@pbx.test"), Party.rtc("alice"),
            new RtcLeg("ch-b", "alice"), dialog("b"), NegotiatedMedia.pcmu(), T0.plusSeconds(90),
            T0.plusSeconds(60)),
        new CallEvent.CallParked(T0.plusSeconds(90), T0.plusSeconds(60), false),
        new CallEvent.CallEnded(EndCause.CALLEE_OFFLINE, 480, "offline", T0.plusSeconds(90))));
    persist("node-1", "c", List.of(
        new CallEvent.CallDialed("c", Party.rtc("carol"), Party.sip("sip:+4940555@pbx.test"),
            new RtcLeg("ch-c", "carol"), dialog("c"), T0.plusSeconds(200), T0.plusSeconds(120))));

    ActorRef<Void> projection =
        kit.spawn(CallHistoryProjection.behavior(CallHistoryProjectionTest::connect));
    awaitCaughtUp();

    List<CallRecords.CallRecord> alice = search(new CallRecords.Query(null, "alice", null, null,
        null, null, null, 100));
    assertEquals(List.of("b", "a"), alice.stream().map(CallRecords.CallRecord::callId).toList(),
        "newest first");
    CallRecords.CallRecord a = alice.get(1);
    assertEquals("OUTBOUND", a.direction());
    assertEquals("sip:+4930123@pbx.test", a.sipParty());
    assertEquals(T0, a.startedAt());
    assertEquals(T0.plusSeconds(3), a.answeredAt());
    assertEquals(T0.plusSeconds(30), a.endedAt());
    assertEquals("REMOTE_HANGUP", a.endCause());
    assertEquals(4, a.events());
    assertEquals(List.of("node-1"), a.nodes());
    CallRecords.CallRecord b = alice.get(0);
    assertEquals("INBOUND", b.direction());
    assertNull(b.answeredAt());
    assertEquals(480, b.sipStatus());

    assertEquals(List.of("a"), ids(new CallRecords.Query(null, null, "+4930123", null, null, null,
        null, 100)));
    assertEquals(List.of("b"), ids(new CallRecords.Query(null, null, null, null, null,
        "CALLEE_OFFLINE", null, 100)));
    assertEquals(List.of("c", "b"), ids(new CallRecords.Query(null, null, null,
        T0.plusSeconds(60), null, null, null, 100)));
    assertEquals(List.of("a"), ids(new CallRecords.Query(null, null, null, T0,
        T0.plusSeconds(60), null, null, 100)));
    assertEquals(List.of(), ids(new CallRecords.Query(null, null, null, null, null, null,
        "node-2", 100)));

    // stopped: events keep arriving (call c moved to node-2 and ended there)
    kit.stop(projection);
    persist("node-2", "c", List.of(
        new CallEvent.CallEnded(EndCause.NO_ANSWER, 408, "no answer", T0.plusSeconds(200))));
    kit.spawn(CallHistoryProjection.behavior(CallHistoryProjectionTest::connect));
    awaitCaughtUp();
    CallRecords.CallRecord c = search(new CallRecords.Query("c", null, null, null, null, null,
        null, 10)).get(0);
    assertEquals(2, c.events());
    assertEquals("NO_ANSWER", c.endCause());
    assertEquals(List.of("node-1", "node-2"), c.nodes());
    assertEquals(List.of("c"), ids(new CallRecords.Query(null, null, null, null, null, null,
        "node-2", 100)));
    assertEveryEventCountedOnce();
  }

  @Test
  void aCallTakenOverWithReplacesShowsItsNewParty() throws Exception {
    Instant at = T0.minus(Duration.ofDays(1)); // outside the other tests' time ranges
    List<CallEvent> events = List.of(
        new CallEvent.CallReceived("e", Party.sip("sip:bob@pbx.test"), Party.rtc("frank"),
            new RtcLeg("ch-e", "frank"), dialog("e"), NegotiatedMedia.pcma(), at.plusSeconds(60),
            at),
        new CallEvent.CallDialogReplaced(Party.sip("sip:carol@pbx.test"), dialog("e"),
            NegotiatedMedia.pcma(), at.plusSeconds(20)),
        new CallEvent.CallEnded(EndCause.REMOTE_HANGUP, 200, "BYE", at.plusSeconds(40)));
    try (Connection db = connect()) {
      CallRecords.apply(db, "replaces-test", List.of(
          new CallRecords.JournalEvent(3_000_001, "call|e", 1, events.get(0)),
          new CallRecords.JournalEvent(3_000_002, "call|e", 2, events.get(1)),
          new CallRecords.JournalEvent(3_000_003, "call|e", 3, events.get(2))));
      CallRecords.CallRecord e = CallRecords.search(db, new CallRecords.Query("e", null, null,
          null, null, null, null, 1)).get(0);
      assertEquals("sip:carol@pbx.test", e.sipParty());
    }
  }

  @Test
  void applyingABatchAgainChangesNothing() throws Exception {
    List<CallEvent> events = List.of(
        new CallEvent.CallDialed("d", Party.rtc("dave"), Party.sip("sip:300@pbx.test"),
            new RtcLeg("ch-d", "dave"), dialog("d"), T0.minusSeconds(3600), T0.minus(Duration.ofDays(1))),
        new CallEvent.CallEnded(EndCause.BUSY, 486, "Busy Here", T0.minus(Duration.ofDays(1))));
    List<CallRecords.JournalEvent> batch = List.of(
        new CallRecords.JournalEvent(1_000_001, "call|d", 1, events.get(0)),
        new CallRecords.JournalEvent(1_000_002, "call|d", 2, events.get(1)));
    try (Connection db = connect()) {
      CallRecords.apply(db, "redelivery-test", batch);
      CallRecords.apply(db, "redelivery-test", batch);
      CallRecords.apply(db, "redelivery-test", batch.subList(0, 1));
      CallRecords.CallRecord d = CallRecords.search(db, new CallRecords.Query("d", null, null,
          null, null, null, null, 1)).get(0);
      assertEquals(2, d.events());
      assertEquals("BUSY", d.endCause());
      assertEquals("CallEnded", d.lastEvent());
      assertEquals("sip:300@pbx.test", d.sipParty());
      assertEquals(1_000_002, CallRecords.offset(db, "redelivery-test"));
    }
  }

  @Test
  void callsEndedBeforeTheRetentionAreDeletedAndOthersKept() throws Exception {
    Instant longAgo = T0.minus(Duration.ofDays(400));
    List<CallRecords.JournalEvent> batch = List.of(
        new CallRecords.JournalEvent(2_000_001, "call|old", 1, new CallEvent.CallDialed("old",
            Party.rtc("erin"), Party.sip("sip:400@pbx.test"), new RtcLeg("ch-o", "erin"),
            dialog("old"), longAgo.plusSeconds(60), longAgo)),
        new CallRecords.JournalEvent(2_000_002, "call|old", 2,
            new CallEvent.CallEnded(EndCause.BUSY, 486, "Busy Here", longAgo.plusSeconds(1))),
        new CallRecords.JournalEvent(2_000_003, "call|going", 1, new CallEvent.CallDialed("going",
            Party.rtc("erin"), Party.sip("sip:401@pbx.test"), new RtcLeg("ch-g", "erin"),
            dialog("going"), longAgo.plusSeconds(60), longAgo)));
    try (Connection db = connect()) {
      CallRecords.apply(db, "retention-test", batch);
      assertEquals(1, CallRecords.deleteEndedBefore(db, T0.minus(Duration.ofDays(90))));
      assertEquals(List.of("going"), CallRecords.search(db, new CallRecords.Query(null, "erin",
          null, null, null, null, null, 10)).stream().map(CallRecords.CallRecord::callId)
          .toList(), "a call that never ended is kept");
    }
  }

  @Test
  void sipUserIsTheUserPartOfTheUri() {
    assertEquals("+4930123", CallRecords.sipUser("sip:+4930123@pbx;transport=tcp"));
    assertEquals("bob", CallRecords.sipUser("sips:bob@example.org"));
    assertEquals("+4930123", CallRecords.sipUser("tel:+4930123"));
    assertEquals("300", CallRecords.sipUser("sip:300;user=phone@pbx"));
    assertEquals("alice", CallRecords.sipUser("alice"));
  }

  private static void awaitCaughtUp() {
    long[] last = {-1};
    Until.until(WAIT, Until.checking(() -> {
      try (Connection c = connect()) {
        last[0] = CallRecords.offset(c, CallRecords.PROJECTION);
        return last[0] == maxCallOrdering(c);
      }
    }), () -> "projection caught up (at " + last[0] + ")");
  }

  private static long maxCallOrdering(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(event_id), 0) FROM event_tag"
            + " WHERE tag = '" + CallEntity.TAG + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void assertEveryEventCountedOnce() throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM event_journal"
            + " WHERE persistence_id IN ('call|a', 'call|b', 'call|c')),"
            + " (SELECT sum(events) FROM rtc2sip_call_history WHERE call_id IN ('a', 'b', 'c'))")) {
      rs.next();
      assertEquals(rs.getLong(1), rs.getLong(2), "events in the journal = events in the history");
    }
  }

  private static List<CallRecords.CallRecord> search(CallRecords.Query q) throws SQLException {
    try (Connection c = connect()) {
      return CallRecords.search(c, q);
    }
  }

  private static List<String> ids(CallRecords.Query q) throws SQLException {
    return search(q).stream().map(CallRecords.CallRecord::callId).toList();
  }

  private static SipDialog dialog(String callId) {
    return SipDialog.outgoing(callId + "@gw", "tag-" + callId, "sip:gw@test", "sip:peer@test");
  }

  /** Persists {@code events} as call {@code callId} written on {@code node}; waits for it. */
  private static void persist(String node, String callId, List<CallEvent> events) {
    TestProbe<Integer> done = kit.createTestProbe();
    ActorRef<List<CallEvent>> writer = kit.spawn(new Writer(callId, node, done.getRef()));
    writer.tell(events);
    done.expectMessage(WAIT, events.size());
    kit.stop(writer);
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), "postgres", "postgres");
  }

  private static Config config(String url) {
    return ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.rtc2sip.db.url", url))
        .withFallback(ConfigFactory.parseString("""
            pekko.persistence.journal.plugin = "jdbc-journal"
            pekko.persistence.snapshot-store.plugin = "jdbc-snapshot-store"
            jdbc-journal { use-shared-db = "rtc2sip" }
            jdbc-snapshot-store { use-shared-db = "rtc2sip" }
            jdbc-read-journal { use-shared-db = "rtc2sip", refresh-interval = 100ms }
            pekko-persistence-jdbc.shared-databases.rtc2sip {
              profile = "slick.jdbc.PostgresProfile$"
              db {
                user = "postgres", password = "postgres", driver = "org.postgresql.Driver"
                numThreads = 4, maxConnections = 4, minConnections = 1
              }
            }
            """))
        .withFallback(ConfigFactory.parseResources("rtc2sip-serialization.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** Writes call events with the call entity's persistence id and tags. */
  private static final class Writer extends EventSourcedBehavior<List<CallEvent>, CallEvent,
      Integer> {
    private final String nodeTag;
    private final ActorRef<Integer> done;

    Writer(String callId, String node, ActorRef<Integer> done) {
      super(PersistenceId.of(CallEntity.TYPE_KEY.name(), callId));
      this.nodeTag = CallEntity.NODE_TAG_PREFIX + node;
      this.done = done;
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<List<CallEvent>, CallEvent, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onAnyCommand((state, events) ->
          Effect().persist(events).thenRun(s -> done.tell(events.size())));
    }

    @Override
    public EventHandler<Integer, CallEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((count, e) -> count + 1);
    }

    @Override
    public Set<String> tagsFor(CallEvent event) {
      return Set.of(CallEntity.TAG, nodeTag);
    }
  }
}
