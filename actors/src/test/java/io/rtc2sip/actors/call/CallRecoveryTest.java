package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.OnHold;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A call restarted from its journal (what happens on another node after failover): same state,
 * timers re-armed from persisted deadlines, media re-anchored, routing asked again.
 */
class CallRecoveryTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final Duration SOON = Duration.ofSeconds(3);

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void anActiveCallRecoversAndReanchorsItsMedia() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Held.class);
    CallState.Held before = (CallState.Held) f.state();

    f.kit.restart();

    MediaCommand.Reanchor reanchor = f.media.expectMessageClass(MediaCommand.Reanchor.class, SOON);
    assertEquals(SdpDirection.SENDONLY, reanchor.direction());
    assertEquals(f.info().rtc(), reanchor.rtc());
    SipLegCommand.Reinvite reinvite = f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
    assertEquals(3, reinvite.dialog().localCseq());
    assertEquals(SdpDirection.SENDONLY, reinvite.direction());
    // recovered to the same state; only the re-INVITE's CSeq moved on
    CallState.Held expected = new CallState.Held(
        before.info().withDialog(before.info().dialog().nextLocalCseq()), OnHold.LOCAL);
    assertEquals(expected, f.state());
  }

  @Test
  void aRecoveredCallTellsItsClientWhereItsRtcAudioIsNow() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    f.clearProbes();

    f.kit.restart();

    assertEquals(new ClientNotification.RtcMoved(CallFixture.UID, f.callId, CallFixture.RTC,
        false), f.clients.expectMessageClass(ClientNotification.RtcMoved.class, SOON));
    assertEquals(CallFixture.RTC,
        f.kit.<CallView>runCommand(CallCommand.GetCall::new).reply().rtcAddress());
  }

  @Test
  void aRingingTimerWhoseDeadlinePassedFiresAtOnceAfterRecovery() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ringing.class);
    f.clock.advance(Duration.ofSeconds(61));
    f.kit.restart();
    SipLegCommand.Cancel cancel = f.sip.expectMessageClass(SipLegCommand.Cancel.class, SOON);
    assertEquals(EndCause.NO_ANSWER, cancel.cause());
    assertInstanceOf(CallState.Cancelling.class, f.state());
  }

  @Test
  void aParkTimerKeepsItsDeadlineAcrossRecovery() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    // 119.5 s of the 120 s park timeout have passed when the call is recovered
    f.clock.advance(Duration.ofMillis(119_500));
    f.kit.restart();
    f.sip.expectNoMessage(Duration.ofMillis(200));
    SipLegCommand.Reject reject = f.sip.expectMessageClass(SipLegCommand.Reject.class, SOON);
    assertEquals(480, reject.status());
    assertEquals(EndCause.CALLEE_OFFLINE, reject.cause());
  }

  @Test
  void aRoutingCallAsksTheUserSessionAgain() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    f.kit.restart();
    UserCommand.RouteInboundCall route = f.userMessage(UserCommand.RouteInboundCall.class);
    assertEquals(f.callId, route.callId());
  }

  @Test
  void anEndedCallPassivatesWhenRecovered() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ended.class);
    f.kit.restart();
    f.shard.expectMessageClass(ClusterSharding.Passivate.class, SOON);
    f.sip.expectNoMessage(Duration.ofMillis(100));
  }
}
