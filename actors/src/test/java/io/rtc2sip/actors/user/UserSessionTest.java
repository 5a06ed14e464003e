package io.rtc2sip.actors.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.actors.support.TestClock;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Presence, take-over, parking of inbound calls for offline users and SIP registration. */
class UserSessionTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final String NODE_A = "pekko://rtc2sip@127.0.0.1:2551";
  private static final String NODE_B = "pekko://rtc2sip@127.0.0.1:2552";
  private static final AtomicInteger SEQ = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private final String uid = "user-" + SEQ.incrementAndGet();
  private final TestProbe<ClientNotification> clients = TEST_KIT.createTestProbe();
  private final TestProbe<SipRegistrationCommand> registrations = TEST_KIT.createTestProbe();
  private final TestProbe<ShardingEnvelope<CallCommand>> calls = TEST_KIT.createTestProbe();
  private final TestProbe<ClusterSharding.ShardCommand> shard = TEST_KIT.createTestProbe();
  private final TestProbe<CallCommand.RouteDecision> call = TEST_KIT.createTestProbe();
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  private final EventSourcedBehaviorTestKit<UserCommand, UserEvent, UserState> kit =
      EventSourcedBehaviorTestKit.create(
          TEST_KIT.system(),
          UserSession.create(
              uid,
              new UserSession.Dependencies(clients.ref(), registrations.ref(),
                  EntityMessenger.envelopes(calls.ref()), members::contains,
                  new TestClock(Instant.parse("2026-11-24T10:00:00Z"))),
              shard.ref()));

  private UserReply login(String node, String connection) {
    return kit.<UserReply>runCommand(r -> new UserCommand.Login(node, connection, r)).reply();
  }

  private Presence presence() {
    return kit.<Presence>runCommand(UserCommand.GetPresence::new).reply();
  }

  @Test
  void anUnknownUserGetsNoCalls() {
    var result = kit.runCommand(new UserCommand.RouteInboundCall("i-1", Party.sip("sip:x@y"),
        call.ref()));
    assertTrue(result.hasNoEvents());
    assertEquals(new CallCommand.CalleeUnknown(uid), call.receiveMessage());
    shard.expectMessageClass(ClusterSharding.Passivate.class);
  }

  @Test
  void aUidNeverSeenIsParkedWhenThePushPatternAcceptsItAndReleasedAtItsFirstLogin() {
    var session = EventSourcedBehaviorTestKit.<UserCommand, UserEvent, UserState>create(
        TEST_KIT.system(),
        UserSession.create(uid,
            new UserSession.Dependencies(clients.ref(), registrations.ref(),
                EntityMessenger.envelopes(calls.ref()), members::contains,
                new TestClock(Instant.parse("2026-11-24T10:00:00Z")),
                io.rtc2sip.actors.dialplan.DialPlans.open("localhost"),
                id -> id.startsWith("user-")),
            shard.ref()));
    var parked = session.runCommand(new UserCommand.RouteInboundCall("i-5",
        Party.sip("sip:x@y"), call.ref()));
    assertEquals(new UserEvent.CallParked("i-5", Instant.parse("2026-11-24T10:00:00Z")),
        parked.event());
    assertEquals(new CallCommand.CalleeOffline(uid), call.receiveMessage());
    assertEquals(List.of("i-5"), session.<Presence>runCommand(UserCommand.GetPresence::new)
        .reply().parkedCalls());

    session.<UserReply>runCommand(r -> new UserCommand.Login(NODE_A, "c1", r));
    ShardingEnvelope<CallCommand> released = calls.receiveMessage();
    assertEquals("i-5", released.entityId());
    assertEquals(new CallCommand.CalleeOnline(uid, NODE_A, "c1"), released.message());
  }

  @Test
  void aUidNeverSeenThatThePushPatternRefusesGetsNoCalls() {
    var session = EventSourcedBehaviorTestKit.<UserCommand, UserEvent, UserState>create(
        TEST_KIT.system(),
        UserSession.create(uid,
            new UserSession.Dependencies(clients.ref(), registrations.ref(),
                EntityMessenger.envelopes(calls.ref()), members::contains,
                new TestClock(Instant.parse("2026-11-24T10:00:00Z")),
                io.rtc2sip.actors.dialplan.DialPlans.open("localhost"),
                id -> id.startsWith("+49")),
            shard.ref()));
    var result = session.runCommand(new UserCommand.RouteInboundCall("i-6",
        Party.sip("sip:x@y"), call.ref()));
    assertTrue(result.hasNoEvents());
    assertEquals(new CallCommand.CalleeUnknown(uid), call.receiveMessage());
  }

  @Test
  void loginRoutesCallsToTheConnectionAndATakeOverTellsTheOldOne() {
    members.add(NODE_A);
    assertInstanceOf(UserReply.Accepted.class, login(NODE_A, "c1"));
    kit.runCommand(new UserCommand.RouteInboundCall("i-1", Party.sip("sip:x@y"), call.ref()));
    assertEquals(new CallCommand.CalleeOnline(uid, NODE_A, "c1"), call.receiveMessage());
    assertEquals(List.of("i-1"), presence().calls());

    assertInstanceOf(UserReply.Accepted.class, login(NODE_B, "c2"));
    assertEquals(new ClientNotification.SessionReplaced(uid, NODE_A, "c1",
        "logged in again on another connection"), clients.receiveMessage());
    Presence p = presence();
    assertTrue(p.online());
    assertEquals(NODE_B, p.node());
    assertEquals(List.of("i-1"), p.calls());
    // the old connection going away does not log out the new one
    assertTrue(kit.runCommand(new UserCommand.ConnectionLost("c1")).hasNoEvents());
    assertInstanceOf(UserReply.Rejected.class,
        kit.<UserReply>runCommand(r -> new UserCommand.Logout("c1", r)).reply());
    assertTrue(presence().online());
  }

  @Test
  void callsForAnOfflineUserAreParkedAndReleasedAtLogin() {
    login(NODE_A, "c1");
    kit.runCommand(new UserCommand.ConnectionLost("c1"));
    assertFalse(presence().online());

    var parked = kit.runCommand(new UserCommand.RouteInboundCall("i-9", Party.sip("sip:x@y"),
        call.ref()));
    assertEquals(UserEvent.CallParked.class, parked.event().getClass());
    assertEquals(new CallCommand.CalleeOffline(uid), call.receiveMessage());
    assertEquals(List.of("i-9"), presence().parkedCalls());

    login(NODE_B, "c3");
    ShardingEnvelope<CallCommand> released = calls.receiveMessage();
    assertEquals("i-9", released.entityId());
    assertEquals(new CallCommand.CalleeOnline(uid, NODE_B, "c3"), released.message());
    assertEquals(List.of("i-9"), presence().calls());
    assertEquals(List.of(), presence().parkedCalls());

    kit.runCommand(new UserCommand.CallEnded("i-9"));
    assertEquals(List.of(), presence().calls());
  }

  @Test
  void sipRegistrationFollowsTheWishAndThePresence() {
    login(NODE_A, "c1");
    kit.<UserReply>runCommand(r -> new UserCommand.Register(true, r));
    assertEquals(new SipRegistrationCommand.Bind(uid), registrations.receiveMessage());
    kit.<UserReply>runCommand(r -> new UserCommand.Logout("c1", r));
    assertEquals(new SipRegistrationCommand.Unbind(uid), registrations.receiveMessage());
    login(NODE_A, "c2");
    assertEquals(new SipRegistrationCommand.Bind(uid), registrations.receiveMessage());
    kit.<UserReply>runCommand(r -> new UserCommand.Register(false, r));
    assertEquals(new SipRegistrationCommand.Unbind(uid), registrations.receiveMessage());
  }

  @Test
  void aSessionRecoveredForANodeThatLeftLogsTheUserOut() {
    members.add(NODE_A);
    login(NODE_A, "c1");
    kit.runCommand(new UserCommand.CallStarted("o-1"));
    members.remove(NODE_A);
    kit.restart();
    // the recovery handler tells itself ConnectionLost
    for (int i = 0; i < 50 && presence().online(); i++) {
      clients.expectNoMessage(Duration.ofMillis(20));
    }
    Presence p = presence();
    assertFalse(p.online());
    assertEquals(List.of("o-1"), p.calls());
  }

  @Test
  void aRegisteredUserRecoveredOnAnotherNodeIsRegisteredFromThere() {
    members.add(NODE_A);
    login(NODE_A, "c1");
    kit.<UserReply>runCommand(r -> new UserCommand.Register(true, r));
    assertEquals(new SipRegistrationCommand.Bind(uid), registrations.receiveMessage());
    // the entity moves (its node died or left; the user's connection is on a node still up):
    // the registrations of the node that now runs it must take over the binding
    kit.restart();
    assertEquals(new SipRegistrationCommand.Bind(uid), registrations.receiveMessage());
    assertTrue(presence().online());
  }

  @Test
  void anUnregisteredUserRecoveredElsewhereIsNotRegistered() {
    members.add(NODE_A);
    login(NODE_A, "c1");
    kit.restart();
    registrations.expectNoMessage(Duration.ofMillis(200));
  }
}
