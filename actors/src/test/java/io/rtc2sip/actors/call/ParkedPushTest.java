package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.CalleeOffline;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.PushAttemptFinished;
import io.rtc2sip.actors.call.CallCommand.PushOutcome;
import io.rtc2sip.actors.call.CallEvent.CallParked;
import io.rtc2sip.actors.call.CallEvent.PushAttempted;
import io.rtc2sip.actors.call.CallEvent.PushDelivered;
import io.rtc2sip.actors.call.CallEvent.PushFailed;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.port.PushCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The push notification of a parked call, under {@link ManualTime}: the call asks its node's
 * push service for each attempt, persists each outcome, waits the service's backoff between
 * attempts (never beyond its deadline), stops once delivered, given up or released, and after a
 * restart neither repeats a delivered push nor forgets one under way.
 */
class ParkedPushTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.manualTimeConfig());
  private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
  private static final Duration QUIET = Duration.ofMillis(100);
  private static final Duration MS = Duration.ofMillis(1);
  private static final Instant DEADLINE = START.plusSeconds(120);
  private static final String CALLER = "sip:+4930999@pbx.example";

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private static PushAttemptFinished status(int attempt, int status, PushOutcome outcome,
      Duration retryIn) {
    return new PushAttemptFinished(attempt, status, null, 40, outcome, retryIn);
  }

  private static void expectAttempt(CallFixture f, int attempt) {
    PushCommand.Notify notify = assertInstanceOf(PushCommand.Notify.class, f.push.receiveMessage());
    assertEquals(new PushCommand.Notify(f.callId, CALLER, UID, DEADLINE, attempt,
        notify.replyTo()), notify);
  }

  private static PushProgress push(CallFixture f) {
    return assertInstanceOf(CallState.Parked.class, f.state()).push();
  }

  @Test
  void aParkedCallIsPushedAndItsDeliveryWritten() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    var parked = f.kit.runCommand(new CalleeOffline(UID));
    assertEquals(new CallParked(DEADLINE, START, true), parked.event());
    expectAttempt(f, 1);

    var delivered = f.kit.runCommand(status(1, 200, PushOutcome.DELIVERED, null));
    assertEquals(List.of(new PushAttempted(1, 200, null, 40, null, START),
        new PushDelivered(1, START)), delivered.events());
    assertEquals(new PushProgress(1, PushProgress.Status.DELIVERED, null), push(f));

    // a delivered push is not repeated after a restart (failover)
    f.kit.restart();
    f.push.expectNoMessage(QUIET);
    assertEquals(PushProgress.Status.DELIVERED, push(f).status());
  }

  @Test
  void failedAttemptsAreRetriedAfterTheServicesBackoff() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    var first = f.kit.runCommand(status(1, 503, PushOutcome.RETRY, Duration.ofMillis(500)));
    assertEquals(List.of(new PushAttempted(1, 503, null, 40, START.plusMillis(500), START)),
        first.events());
    TIME.timePasses(Duration.ofMillis(500).minus(MS));
    f.push.expectNoMessage(QUIET);
    TIME.timePasses(MS);
    expectAttempt(f, 2);

    var second = f.kit.runCommand(new PushAttemptFinished(2, 0, "timed out after 3000 ms", 3000,
        PushOutcome.RETRY, Duration.ofSeconds(1)));
    assertEquals(List.of(new PushAttempted(2, 0, "timed out after 3000 ms", 3000,
        START.plusSeconds(1), START)), second.events());
    TIME.timePasses(Duration.ofSeconds(1));
    expectAttempt(f, 3);

    var third = f.kit.runCommand(status(3, 200, PushOutcome.DELIVERED, null));
    assertEquals(List.of(new PushAttempted(3, 200, null, 40, null, START),
        new PushDelivered(3, START)), third.events());
    TIME.timePasses(Duration.ofSeconds(5));
    f.push.expectNoMessage(QUIET);
  }

  @Test
  void aPermanentRefusalIsNotRetried() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    var refused = f.kit.runCommand(status(1, 404, PushOutcome.FAILED, null));
    assertEquals(List.of(new PushAttempted(1, 404, null, 40, null, START),
        new PushFailed(1, "refused with HTTP 404", START)), refused.events());
    TIME.timePasses(Duration.ofSeconds(10));
    f.push.expectNoMessage(QUIET);
    assertEquals(new PushProgress(1, PushProgress.Status.FAILED, null), push(f));
  }

  @Test
  void theLastAttemptAllowedGivesUp() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    f.kit.runCommand(status(1, 503, PushOutcome.RETRY, Duration.ofMillis(500)));
    TIME.timePasses(Duration.ofMillis(500));
    expectAttempt(f, 2);
    var last = f.kit.runCommand(status(2, 503, PushOutcome.FAILED, null));
    assertEquals(new PushFailed(2, "no attempts left (last: HTTP 503)", START),
        last.events().get(1));
  }

  @Test
  void noRetryIsTimedAfterTheCallsDeadline() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    f.clock.advance(Duration.ofMillis(119_800));
    Instant now = START.plusMillis(119_800);
    var late = f.kit.runCommand(new PushAttemptFinished(1, 0, "connection refused", 2,
        PushOutcome.RETRY, Duration.ofMillis(500)));
    assertEquals(List.of(new PushAttempted(1, 0, "connection refused", 2, null, now),
        new PushFailed(1, "the next attempt would come after the call's deadline (last:"
            + " connection refused)", now)), late.events());
    // the call still waits for its callee until the deadline, then 480 as without a push
    TIME.timePasses(CallFixture.SETTINGS.parkTimeout());
    f.push.expectNoMessage(QUIET);
    assertEquals(480, assertInstanceOf(SipLegCommand.Reject.class, f.sip.receiveMessage())
        .status());
    assertEquals(EndCause.CALLEE_OFFLINE,
        assertInstanceOf(CallState.Ended.class, f.state()).cause());
  }

  @Test
  void aRecoveredCallMakesAgainTheAttemptWhoseOutcomeWasNotWritten() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    // attempt 1 was under way on the node that ran the call
    f.kit.restart();
    expectAttempt(f, 1);
    f.kit.runCommand(status(1, 503, PushOutcome.RETRY, Duration.ofSeconds(2)));
    // waiting for attempt 2: the wait is re-armed from the persisted instant
    f.kit.restart();
    f.push.expectNoMessage(QUIET);
    TIME.timePasses(Duration.ofSeconds(2));
    expectAttempt(f, 2);
  }

  @Test
  void aLoginEndsThePushAndALateOutcomeIsStillWritten() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    f.kit.runCommand(status(1, 503, PushOutcome.RETRY, Duration.ofMillis(500)));
    f.kit.runCommand(new CalleeOnline(UID, CallFixture.NODE, "conn-9"));
    CallState.Alerting alerting = assertInstanceOf(CallState.Alerting.class, f.state());
    assertTrue(alerting.released());
    TIME.timePasses(Duration.ofSeconds(1));
    f.push.expectNoMessage(QUIET);
    // an attempt under way when the callee logged in: its outcome goes into the history
    var late = f.kit.runCommand(status(2, 200, PushOutcome.DELIVERED, null));
    assertEquals(List.of(new PushAttempted(2, 200, null, 40, null, START),
        new PushDelivered(2, START)), late.events());
    assertEquals(alerting, f.state());
  }

  @Test
  void aReportOfAnotherAttemptThanTheOneUnderWayIsIgnored() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    var stray = f.kit.runCommand(status(2, 200, PushOutcome.DELIVERED, null));
    assertTrue(stray.hasNoEvents());
    assertEquals(PushProgress.FIRST, push(f));
  }

  @Test
  void withoutAPushServiceTheCallIsParkedAsBefore() {
    CallFixture f = CallFixture.inboundWithoutPush(TEST_KIT);
    f.reach(CallState.Routing.class);
    var parked = f.kit.runCommand(new CalleeOffline(UID));
    assertEquals(new CallParked(DEADLINE, START, false), parked.event());
    assertEquals(PushProgress.NONE, push(f));
    f.push.expectNoMessage(QUIET);
    f.kit.restart();
    f.push.expectNoMessage(QUIET);
  }
}
