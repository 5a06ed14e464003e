package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.SETTINGS;
import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.PlacementRefused;
import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.call.CallEvent.CallReferRefused;
import io.rtc2sip.actors.call.CallEvent.CallReferred;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The dial plan at the call: destinations it does not allow are refused before anything is
 * persisted or sent (calls, transfers), a REFER to such a target is answered with a NOTIFY 403
 * and the call goes on, and a call the user session does not admit is refused the same way.
 */
class DialPlanPolicyTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  /** Numbers at the PBX only, no premium-rate 1900 numbers; limits the user session counts. */
  private static final DialPlans PLANS = DialPlans.of(new DialPlan(
      List.of(Pattern.compile("\\+?[0-9]{3,15}@pbx\\.example")),
      List.of(Pattern.compile("\\+?1900.*@.*")), 2, 10), SETTINGS.sipDomain());

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private static CallFixture call(PlacementRefused admission) {
    return new CallFixture(TEST_KIT, false, SETTINGS, PLANS, admission);
  }

  private static void assertNothingSent(CallFixture f) {
    f.sip.expectNoMessage(Duration.ofMillis(50));
    f.media.expectNoMessage(Duration.ZERO);
    f.users.expectNoMessage(Duration.ZERO);
  }

  @Test
  void aDestinationOutsideThePlanIsRefusedBeforeAnythingHappens() {
    CallFixture f = call(null);
    var result = f.kit.<CallReply>runCommand(
        r -> new PlaceCall(UID, "room-1", "sip:+19005550100@pbx.example", r));
    assertEquals(new CallReply.Rejected(f.callId, DialPlan.FORBIDDEN_DESTINATION,
        "the dial plan of alice does not allow +19005550100@pbx.example"), result.reply());
    assertTrue(result.hasNoEvents());
    assertInstanceOf(CallState.Idle.class, result.state());
    f.admissions.expectNoMessage(Duration.ZERO);
    assertNothingSent(f);
    f.shard.expectMessageClass(ClusterSharding.Passivate.class);

    var attacker = f.kit.<CallReply>runCommand(
        r -> new PlaceCall(UID, "room-1", "sip:+4930123456@attacker.example", r));
    assertEquals(new CallReply.Rejected(f.callId, DialPlan.FORBIDDEN_DESTINATION,
        "the dial plan of alice does not allow +4930123456@attacker.example"), attacker.reply());
    assertTrue(attacker.hasNoEvents());
  }

  @Test
  void anAllowedDestinationIsAdmittedByTheUserSessionThenDialled() {
    CallFixture f = call(null);
    var result = f.kit.<CallReply>runCommand(
        r -> new PlaceCall(UID, "room-1", "sip:+49 30 123456@pbx.example", r));
    assertAccepted(result.reply());
    assertInstanceOf(CallEvent.CallDialed.class, result.event());
    UserCommand.AdmitCall admit = f.admissions.receiveMessage();
    assertEquals(f.callId, admit.callId());
    assertInstanceOf(SipLegCommand.Invite.class, f.sip.receiveMessage());
  }

  @Test
  void withoutLimitsTheCallDialsWithoutAskingTheUserSession() {
    CallFixture f = new CallFixture(TEST_KIT, false, SETTINGS, DialPlans.of(new DialPlan(
        List.of(Pattern.compile(".*@pbx\\.example")), List.of(), 0, 0), SETTINGS.sipDomain()),
        new PlacementRefused(UID, DialPlan.TOO_MANY_CALLS, "never asked"));
    var result = f.kit.<CallReply>runCommand(
        r -> new PlaceCall(UID, "room-1", CallFixture.TARGET, r));
    assertAccepted(result.reply());
    assertInstanceOf(CallEvent.CallDialed.class, result.event());
    f.admissions.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aCallTheUserSessionRefusesIsNotMade() {
    CallFixture f = call(new PlacementRefused(UID, DialPlan.TOO_MANY_CALLS,
        "alice has 2 calls going on, at most 2 are allowed"));
    var result = f.kit.<CallReply>runCommand(
        r -> new PlaceCall(UID, "room-1", "+4930123456", r));
    // a bare number gets the SIP domain, gw.example, which the plan does not allow
    assertEquals(DialPlan.FORBIDDEN_DESTINATION,
        ((CallReply.Rejected) result.reply()).code());

    var refused = f.kit.<CallReply>runCommand(
        r -> new PlaceCall(UID, "room-1", CallFixture.TARGET, r));
    assertEquals(new CallReply.Rejected(f.callId, DialPlan.TOO_MANY_CALLS,
        "alice has 2 calls going on, at most 2 are allowed"), refused.reply());
    assertTrue(refused.hasNoEvents());
    assertInstanceOf(CallState.Idle.class, refused.state());
    f.admissions.receiveMessage();
    assertNothingSent(f);
  }

  @Test
  void aTransferToATargetOutsideThePlanIsRejected() {
    CallFixture f = call(null);
    f.reach(CallState.Active.class);
    var result = f.kit.<CallReply>runCommand(
        r -> new Transfer(UID, "sip:+19005550100@pbx.example", r));
    assertEquals(new CallReply.Rejected(f.callId, DialPlan.FORBIDDEN_DESTINATION,
        "the dial plan of alice does not allow +19005550100@pbx.example"), result.reply());
    assertTrue(result.hasNoEvents());
    assertInstanceOf(CallState.Active.class, result.state());
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aReferToATargetOutsideThePlanIsRefusedAndTheCallGoesOn() {
    CallFixture f = call(null);
    f.reach(CallState.Active.class);
    SipDialog before = f.info().dialog();
    var result = f.kit.runCommand(
        new SipReferReceived(2, "sip:+4930999@attacker.example", "sip:callee@pbx.example"));
    SipDialog notify = before.withRemoteCseq(2).nextLocalCseq();
    assertEquals(new CallReferRefused("sip:+4930999@attacker.example", "sip:callee@pbx.example",
        notify, START), result.event());
    assertInstanceOf(CallState.Active.class, result.state());
    assertEquals(notify, f.info().dialog());
    assertEquals(new SipLegCommand.NotifyTransferProgress(f.callId, notify, 403),
        f.sip.receiveMessage());
    f.sip.expectNoMessage(Duration.ofMillis(50)); // no INVITE to the target

    // the call goes on: a REFER to an allowed target later is carried out, with the next CSeq
    var allowed = f.kit.runCommand(
        new SipReferReceived(3, "sip:+4930777@pbx.example", "sip:callee@pbx.example"));
    CallReferred referred = assertInstanceOf(CallReferred.class, allowed.event());
    assertEquals(notify.withRemoteCseq(3).nextLocalCseq(), referred.dialog());
    assertInstanceOf(CallState.Referred.class, allowed.state());
  }

  @Test
  void aRefusedReferIsRecovered() {
    CallFixture f = call(null);
    f.reach(CallState.Active.class);
    f.kit.runCommand(new SipReferReceived(2, "sip:x@attacker.example", "sip:callee@pbx.example"));
    f.kit.restart();
    assertInstanceOf(CallState.Active.class, f.state());
  }

  @Test
  void aRefusedReferWhileHeldStaysHeld() {
    CallFixture f = call(null);
    f.reach(CallState.Held.class);
    var result = f.kit.runCommand(
        new SipReferReceived(3, "sip:1900123@pbx.example", "sip:callee@pbx.example"));
    assertInstanceOf(CallReferRefused.class, result.event());
    assertInstanceOf(CallState.Held.class, result.state());
  }
}
