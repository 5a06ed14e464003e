package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.UID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The timers of the waiting states fire at their deadline, not before, under {@link ManualTime}:
 * the wait for the user session's admission of a placed call, park, cancel and the no-answer
 * timer of an inbound call (the tests that send the timeout message themselves show what it does;
 * these show that it comes).
 */
class CallTimersTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.manualTimeConfig());
  private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
  private static final Duration QUIET = Duration.ofMillis(100);
  private static final Duration MS = Duration.ofMillis(1);

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void aPlacementTheUserSessionDoesNotAnswerIsRefusedUnavailableInTime() {
    DialPlans limited = DialPlans.of(new DialPlan(List.of(Pattern.compile(".*@pbx\\.example")),
        List.of(), 2, 10), CallFixture.SETTINGS.sipDomain());
    CallFixture f = CallFixture.withSilentUserSession(TEST_KIT, limited);
    TestProbe<CallReply> client = TEST_KIT.createTestProbe();
    f.kit.runCommand(new CallCommand.PlaceCall(UID, "room-1", CallFixture.TARGET, client.ref()));
    assertEquals(f.callId, f.admissions.receiveMessage().callId());
    TIME.timePasses(Placement.ADMISSION_TIMEOUT.minus(MS));
    client.expectNoMessage(QUIET);
    TIME.timePasses(MS);
    CallReply.Rejected refused = client.expectMessageClass(CallReply.Rejected.class);
    assertEquals(Placement.UNAVAILABLE, refused.code());
    assertInstanceOf(CallState.Idle.class, f.state());
    f.sip.expectNoMessage(QUIET);
  }

  @Test
  void theParkTimerEndsTheCallOfACalleeWhoStaysOffline() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    TIME.timePasses(CallFixture.SETTINGS.parkTimeout().minus(MS));
    f.sip.expectNoMessage(QUIET);
    TIME.timePasses(MS);
    assertEquals(new SipLegCommand.Reject(f.callId, CallFixture.inboundDialog(f.callId), 480,
        EndCause.CALLEE_OFFLINE), f.sip.receiveMessage());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.CALLEE_OFFLINE, 480),
        f.clients.receiveMessage());
    assertEquals(EndCause.CALLEE_OFFLINE,
        assertInstanceOf(CallState.Ended.class, f.state()).cause());
  }

  @Test
  void theCancelTimerEndsACancelWithoutFinalResponseWith408() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Cancelling.class);
    TIME.timePasses(CallFixture.SETTINGS.cancelTimeout().minus(MS));
    f.clients.expectNoMessage(QUIET);
    TIME.timePasses(MS);
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.CANCELLED, 408),
        f.clients.receiveMessage());
    CallState.Ended ended = assertInstanceOf(CallState.Ended.class, f.state());
    assertEquals(408, ended.sipStatus());
  }

  @Test
  void theNoAnswerTimerOfAnAlertingCallRejectsItWith480() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Alerting.class);
    TIME.timePasses(CallFixture.SETTINGS.noAnswerTimeout().minus(MS));
    f.sip.expectNoMessage(QUIET);
    TIME.timePasses(MS);
    assertEquals(new SipLegCommand.Reject(f.callId, CallFixture.inboundDialog(f.callId), 480,
        EndCause.NO_ANSWER), f.sip.receiveMessage());
    assertEquals(EndCause.NO_ANSWER, assertInstanceOf(CallState.Ended.class, f.state()).cause());
  }
}
