package io.rtc2sip.actors.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallCommand.PlacementAllowed;
import io.rtc2sip.actors.call.CallCommand.PlacementDecision;
import io.rtc2sip.actors.call.CallCommand.PlacementRefused;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.actors.support.TestClock;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A user's concurrent-call and per-minute limits, counted by its user session: admitted calls
 * count until they end, refusals persist nothing, the clock is the test's, and a count whose end
 * notice was lost is found by asking the call.
 */
class CallLimitsTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  private static final AtomicInteger SEQ = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private final String uid = "limited-" + SEQ.incrementAndGet();
  private final TestClock clock = new TestClock(START);
  private final TestProbe<ShardingEnvelope<CallCommand>> calls = TEST_KIT.createTestProbe();
  private final TestProbe<PlacementDecision> call = TEST_KIT.createTestProbe();
  private final TestProbe<ClusterSharding.ShardCommand> shard = TEST_KIT.createTestProbe();

  private EventSourcedBehaviorTestKit<UserCommand, UserEvent, UserState> kit(int max, int rate) {
    DialPlans plans = DialPlans.of(
        new DialPlan(List.of(Pattern.compile(".*")), List.of(), max, rate), "gw.example");
    TestProbe<ClientNotification> clients = TEST_KIT.createTestProbe();
    TestProbe<SipRegistrationCommand> registrations = TEST_KIT.createTestProbe();
    return EventSourcedBehaviorTestKit.create(TEST_KIT.system(),
        UserSession.create(uid, new UserSession.Dependencies(clients.ref(), registrations.ref(),
            EntityMessenger.envelopes(calls.ref()), Set.of()::contains, clock, plans),
            shard.ref()));
  }

  private PlacementDecision admit(
      EventSourcedBehaviorTestKit<UserCommand, UserEvent, UserState> kit, String callId) {
    kit.runCommand(new UserCommand.AdmitCall(callId, call.ref()));
    return call.receiveMessage();
  }

  @Test
  void theConcurrentLimitRefusesWithoutEventsAndFreesWhenACallEnds() {
    var kit = kit(2, 0);
    var first = kit.runCommand(new UserCommand.AdmitCall("o-1", call.ref()));
    assertEquals(List.of(new UserEvent.CallAdmitted("o-1", START)), first.events());
    assertEquals(new PlacementAllowed(uid), call.receiveMessage());
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-2"));

    var third = kit.runCommand(new UserCommand.AdmitCall("o-3", call.ref()));
    assertTrue(third.hasNoEvents());
    assertEquals(new PlacementRefused(uid, DialPlan.TOO_MANY_CALLS,
        uid + " has 2 calls going on, at most 2 are allowed"), call.receiveMessage());
    calls.expectNoMessage(Duration.ofMillis(20)); // both are fresh: nothing to check

    // the same call asking again (a retried message) is not counted twice
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-2"));

    // a call that ends, however (here: failed or timed out; the entity tells CallEnded for
    // every end), stops counting
    kit.runCommand(new UserCommand.CallEnded("o-1"));
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-3"));
    assertEquals(new PlacementRefused(uid, DialPlan.TOO_MANY_CALLS,
        uid + " has 2 calls going on, at most 2 are allowed"), admit(kit, "o-4"));

    // the count survives a restart (it is in the journal)
    kit.restart();
    assertEquals(List.of("o-2", "o-3"),
        kit.getState().placedCalls().live().stream().map(UserState.Placed::callId).toList());
    assertInstanceOf(PlacementRefused.class, admit(kit, "o-4"));
  }

  @Test
  void aCallWhoseEndNoticeWasLostIsFoundAndStopsCounting() {
    var kit = kit(2, 0);
    admit(kit, "o-1");
    admit(kit, "o-2");
    clock.advance(Duration.ofSeconds(31));

    PlacementRefused refused = assertInstanceOf(PlacementRefused.class, admit(kit, "o-3"));
    assertEquals(uid + " has 2 calls going on, at most 2 are allowed (2 of them are being"
        + " checked: try again)", refused.reason());
    // the counted calls are asked for their state; o-1 ended (its CallEnded was lost)
    for (int i = 0; i < 2; i++) {
      ShardingEnvelope<CallCommand> asked = calls.receiveMessage();
      CallCommand.GetCall get = assertInstanceOf(CallCommand.GetCall.class, asked.message());
      String state = asked.entityId().equals("o-1") ? "Ended" : "Active";
      get.replyTo().tell(new io.rtc2sip.actors.call.CallView(asked.entityId(), state, null, null,
          null, null, null, null, false, false, null, null, null));
    }
    // the answers come back through the session's mailbox: poll for the CallLeft
    Instant deadline = Instant.now().plusSeconds(3);
    while (kit.getState().placedCalls().counts("o-1") && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    assertEquals(List.of("o-2"),
        kit.getState().placedCalls().live().stream().map(UserState.Placed::callId).toList());
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-3"));
  }

  @Test
  void aCallThatNeverStartedStopsCountingToo() {
    var kit = kit(1, 0);
    admit(kit, "o-1"); // its entity never dialled (its placement timed out)
    clock.advance(Duration.ofMinutes(5));
    assertInstanceOf(PlacementRefused.class, admit(kit, "o-2"));
    var checked = kit.runCommand(new UserCommand.CallChecked("o-1", "Idle"));
    assertEquals(List.of(new UserEvent.CallLeft("o-1", START.plusSeconds(300))), checked.events());
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-2"));
    // a call found live keeps counting
    assertTrue(kit.runCommand(new UserCommand.CallChecked("o-2", "Active")).hasNoEvents());
  }

  @Test
  void thePerMinuteLimitCountsCallsStartedInTheLastSixtySeconds() {
    var kit = kit(0, 3);
    for (String id : List.of("o-1", "o-2", "o-3")) {
      assertEquals(new PlacementAllowed(uid), admit(kit, id));
      kit.runCommand(new UserCommand.CallEnded(id)); // short calls: only the rate limits
      clock.advance(Duration.ofSeconds(10));
    }
    // 30 s after the first: three in the last minute
    var refused = kit.runCommand(new UserCommand.AdmitCall("o-4", call.ref()));
    assertTrue(refused.hasNoEvents());
    assertEquals(new PlacementRefused(uid, DialPlan.CALL_RATE_EXCEEDED,
        uid + " started 3 calls in the last minute, at most 3 are allowed"),
        call.receiveMessage());
    clock.advance(Duration.ofSeconds(29)); // 59 s after the first
    assertInstanceOf(PlacementRefused.class, admit(kit, "o-4"));
    clock.advance(Duration.ofSeconds(2)); // 61 s: the first left the window
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-4"));
    assertInstanceOf(PlacementRefused.class, admit(kit, "o-5"));
    kit.restart();
    assertInstanceOf(PlacementRefused.class, admit(kit, "o-5"));
  }

  @Test
  void conferencePartiesCountInTheMinuteButNotAsCallsGoingOn() {
    var kit = kit(1, 3);
    TestProbe<CallCommand.PartyAdmission> party = TEST_KIT.createTestProbe();
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-1"));
    var second = kit.runCommand(new UserCommand.AdmitParty("o-1", 2, 7, party.ref()));
    assertEquals(List.of(new UserEvent.PartyAdmitted("o-1", 2, START)), second.events());
    assertEquals(new CallCommand.PartyAllowed(2, 7), party.receiveMessage());
    // a party is not a call going on: the concurrent limit of 1 still counts o-1 only
    assertEquals(List.of("o-1"),
        kit.getState().placedCalls().live().stream().map(UserState.Placed::callId).toList());
    clock.advance(Duration.ofSeconds(10));
    kit.runCommand(new UserCommand.AdmitParty("o-1", 3, 8, party.ref()));
    assertEquals(new CallCommand.PartyAllowed(3, 8), party.receiveMessage());

    // three legs started in the minute: the next party and the next call are refused
    var refused = kit.runCommand(new UserCommand.AdmitParty("o-1", 4, 9, party.ref()));
    assertTrue(refused.hasNoEvents());
    assertEquals(new CallCommand.PartyRefused(4, 9, DialPlan.CALL_RATE_EXCEEDED, uid + " started 3"
        + " calls and parties in the last minute, at most 3 are allowed"), party.receiveMessage());
    kit.runCommand(new UserCommand.CallEnded("o-1"));
    assertEquals(new PlacementRefused(uid, DialPlan.CALL_RATE_EXCEEDED,
        uid + " started 3 calls in the last minute, at most 3 are allowed"), admit(kit, "o-2"));
    kit.restart();
    kit.runCommand(new UserCommand.AdmitParty("o-2", 2, 1, party.ref()));
    assertInstanceOf(CallCommand.PartyRefused.class, party.receiveMessage());
    clock.advance(Duration.ofSeconds(51)); // the first call left the window
    assertEquals(new PlacementAllowed(uid), admit(kit, "o-2"));
  }
}
