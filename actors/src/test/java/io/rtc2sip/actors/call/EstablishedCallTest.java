package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static io.rtc2sip.actors.call.CallFixture.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.Hold;
import io.rtc2sip.actors.call.CallCommand.MediaDtmfReceived;
import io.rtc2sip.actors.call.CallCommand.MediaTimeout;
import io.rtc2sip.actors.call.CallCommand.SipAckTimeout;
import io.rtc2sip.actors.call.CallCommand.SendDtmf;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipReinviteFailed;
import io.rtc2sip.actors.call.CallCommand.SipRemoteHold;
import io.rtc2sip.actors.call.CallCommand.SipRemoteResume;
import io.rtc2sip.actors.call.CallCommand.Unhold;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallHeld;
import io.rtc2sip.actors.call.CallEvent.CallResumed;
import io.rtc2sip.actors.call.CallEvent.SessionReoffered;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.OnHold;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The answered call: hold both ways, DTMF, hang-ups, media timeout, re-INVITE failures. */
class EstablishedCallTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.manualTimeConfig());
  private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
  /** How long a probe is watched for a message that must not come (real time, not a timer). */
  private static final Duration QUIET = Duration.ofMillis(100);

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void asTheSessionTimerRefresherTheCallReinvitesAtHalfTheInterval() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Dialing.class);
    // the peer's 2xx: Session-Expires: 2;refresher=uac
    f.fact(new CallCommand.SipAnswered(CallFixture.PEER_TAG, "sip:callee@10.0.0.2:5060",
        java.util.List.of(), io.rtc2sip.actors.model.NegotiatedMedia.pcmu(), 2));
    f.clearProbes();
    // half the 2 s interval: 1 s
    TIME.timePasses(Duration.ofMillis(999));
    f.sip.expectNoMessage(QUIET);
    TIME.timePasses(Duration.ofMillis(1));
    SipLegCommand.Reinvite first = (SipLegCommand.Reinvite) f.sip.receiveMessage();
    assertEquals(SdpDirection.SENDRECV, first.direction());
    assertEquals(2, first.dialog().localCseq());
    assertEquals(2, first.dialog().sessionRefreshSeconds());
    TIME.timePasses(Duration.ofMillis(999));
    f.sip.expectNoMessage(QUIET);
    TIME.timePasses(Duration.ofMillis(1));
    SipLegCommand.Reinvite second = (SipLegCommand.Reinvite) f.sip.receiveMessage();
    assertEquals(3, second.dialog().localCseq(), "each refresh is a new request in the dialog");
    CallState.Active active = assertInstanceOf(CallState.Active.class, f.kit.getState());
    assertEquals(3, active.info().dialog().localCseq(), "the refreshes are persisted");
    // hung up: no refresh after the end
    f.client(r -> new CallCommand.Hangup(UID, r));
    f.sip.receiveMessage(); // BYE
    TIME.timePasses(Duration.ofSeconds(10));
    f.sip.expectNoMessage(QUIET);
  }

  @Test
  void withDtmfByInfoDigitsGoToTheSipLegWithTheirCseqsPersisted() {
    CallSettings byInfo = new CallSettings(java.time.Duration.ofSeconds(60),
        java.time.Duration.ofSeconds(120), java.time.Duration.ofSeconds(32), "gw.example", true);
    CallFixture f = new CallFixture(TEST_KIT, false, byInfo);
    f.reach(CallState.Active.class);
    var sent = f.kit.<CallReply>runCommand(r -> new CallCommand.SendDtmf(UID, "1#5", r));
    assertAccepted(sent.reply());
    CallEvent.DtmfSentByInfo event = assertInstanceOf(CallEvent.DtmfSentByInfo.class,
        sent.event());
    assertEquals("1#5", event.digits());
    assertEquals(4, event.dialog().localCseq(), "three INFOs after the INVITE: CSeq 2, 3, 4");
    SipLegCommand.Info info = (SipLegCommand.Info) f.sip.receiveMessage();
    assertEquals("1#5", info.digits());
    assertEquals(2, info.dialog().localCseq(), "the first INFO's CSeq");
    f.media.expectNoMessage(java.time.Duration.ofMillis(200));
    assertInstanceOf(CallState.Active.class, sent.state());
    // the next request in the dialog comes after the INFOs
    var held = f.kit.<CallReply>runCommand(r -> new Hold(UID, r));
    assertEquals(5, assertInstanceOf(CallHeld.class, held.event()).dialog().localCseq());
  }

  @Test
  void afterAChallengedInviteTheDialogGoesOnFromItsCseq() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Dialing.class);
    // the 2xx answers the INVITE we sent again with credentials: CSeq 2
    f.fact(new CallCommand.SipAnswered(CallFixture.PEER_TAG, "sip:callee@10.0.0.2:5060",
        java.util.List.of(), io.rtc2sip.actors.model.NegotiatedMedia.pcmu(), 0, 2));
    f.clearProbes();
    var hold = f.kit.<CallReply>runCommand(r -> new Hold(UID, r));
    assertEquals(3, assertInstanceOf(CallHeld.class, hold.event()).dialog().localCseq());
  }

  @Test
  void withoutASessionTimerOfOursNothingIsRefreshed() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    TIME.timePasses(Duration.ofHours(1));
    f.sip.expectNoMessage(QUIET);
  }

  @Test
  void holdAndResumeByBothSidesOfferTheRightDirection() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var hold = f.kit.<CallReply>runCommand(r -> new Hold(UID, r));
    assertAccepted(hold.reply());
    CallHeld held = assertInstanceOf(CallHeld.class, hold.event());
    assertEquals(HoldSide.RTC, held.by());
    assertEquals(2, held.dialog().localCseq());
    SipLegCommand.Reinvite reinvite = (SipLegCommand.Reinvite) f.sip.receiveMessage();
    assertEquals(SdpDirection.SENDONLY, reinvite.direction());
    assertEquals(2, reinvite.dialog().localCseq());
    assertEquals(new MediaCommand.SetDirection(f.callId, SdpDirection.SENDONLY),
        f.media.receiveMessage());
    assertEquals(new ClientNotification.Held(UID, f.callId, HoldSide.RTC),
        f.clients.receiveMessage());
    assertTrue(rejection(f.client(r -> new Hold(UID, r))).contains("already on hold"));

    // the peer holds too: both on hold, media inactive
    var remote = f.kit.runCommand(new SipRemoteHold(5));
    CallState.Held both = assertInstanceOf(CallState.Held.class, remote.state());
    assertEquals(OnHold.BOTH, both.hold());
    assertEquals(5, both.info().dialog().remoteCseq());
    assertEquals(new MediaCommand.SetDirection(f.callId, SdpDirection.INACTIVE),
        f.media.receiveMessage());

    // we resume: still held by the peer, we offer recvonly
    var unhold = f.kit.<CallReply>runCommand(r -> new Unhold(UID, r));
    assertEquals(new CallResumed(HoldSide.RTC, both.info().dialog().nextLocalCseq(), START),
        unhold.event());
    assertEquals(SdpDirection.RECVONLY,
        ((SipLegCommand.Reinvite) f.sip.receiveMessage()).direction());
    assertTrue(rejection(f.client(r -> new Unhold(UID, r))).contains("not on hold by you"));

    // the peer resumes: active again
    var resumed = f.kit.runCommand(new SipRemoteResume(6));
    assertInstanceOf(CallState.Active.class, resumed.state());
    // a resume while active changes nothing
    assertTrue(f.kit.runCommand(new SipRemoteResume(7)).hasNoEvents());
  }

  @Test
  void aHeldCallIsHeldBySomeone() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    CallInfo info = f.info();
    assertThrows(IllegalArgumentException.class, () -> new CallState.Held(info, OnHold.NONE));
    assertEquals(OnHold.REMOTE, new CallState.Held(info, OnHold.REMOTE).hold());
    assertEquals(OnHold.NONE, assertInstanceOf(CallState.Active.class, f.state()).hold(),
        "an active call is held by nobody");
  }

  @Test
  void dtmfBothWays() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    assertAccepted(f.client(r -> new SendDtmf(UID, "12#a", r)));
    assertEquals(new MediaCommand.SendDtmf(f.callId, "12#A", 100), f.media.receiveMessage());
    assertTrue(rejection(f.client(r -> new SendDtmf(UID, "12x", r))).contains("DTMF"));
    assertTrue(f.kit.runCommand(new MediaDtmfReceived("7", 120)).hasNoEvents());
    assertEquals(new ClientNotification.DtmfReceived(UID, f.callId, "7"),
        f.clients.receiveMessage());
  }

  @Test
  void theSipPeerHangsUpAndAByeOfAnotherDialogIsIgnored() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    assertTrue(f.kit.runCommand(new SipByeReceived("stale@pbx", 9, "")).hasNoEvents());
    var bye = f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId), 2, "bye"));
    assertEquals(new CallEnded(EndCause.REMOTE_HANGUP, 200, EndCause.REMOTE_HANGUP.description(),
        START), bye.event());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.REMOTE_HANGUP, 200),
        f.clients.receiveMessage());
    // the adapter already answered the BYE
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void mediaTimeoutEndsAnActiveCallButNotAHeldOne() {
    CallFixture held = CallFixture.outbound(TEST_KIT);
    held.reach(CallState.Held.class);
    assertTrue(held.kit.runCommand(MediaTimeout.INSTANCE).hasNoEvents());

    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var ended = f.kit.runCommand(MediaTimeout.INSTANCE);
    assertEquals(EndCause.MEDIA_TIMEOUT, ((CallEnded) ended.event()).cause());
    assertEquals(EndCause.MEDIA_TIMEOUT,
        assertInstanceOf(SipLegCommand.Bye.class, f.sip.receiveMessage()).cause());
  }

  @Test
  void anAnswerTheCallerNeverAcknowledgesEndsTheCallWithABye() {
    // RFC 3261 13.3.1.4: no ACK for our 2xx in 64*T1: the session ends with a BYE
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var ended = f.kit.runCommand(SipAckTimeout.INSTANCE);
    CallEnded event = (CallEnded) ended.event();
    assertEquals(EndCause.DIALOG_LOST, event.cause());
    assertEquals(408, event.sipStatus());
    assertEquals(EndCause.DIALOG_LOST,
        assertInstanceOf(SipLegCommand.Bye.class, f.sip.receiveMessage()).cause());
  }

  @Test
  void aLostDialogEndsTheCallAndGlareIsRetried() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Held.class);
    assertTrue(f.kit.runCommand(new SipReinviteFailed(491)).hasNoEvents());
    // RFC 3261 14.1: we own the Call-ID, so the retry comes after 2.1 to 4 s: 3050 ms for the
    // fixture's random draw of 0.5
    TIME.timePasses(Duration.ofMillis(3049));
    f.sip.expectNoMessage(QUIET);
    TIME.timePasses(Duration.ofMillis(1));
    SipLegCommand.Reinvite retry = f.sip.expectMessageClass(SipLegCommand.Reinvite.class);
    assertEquals(SdpDirection.SENDONLY, retry.direction());
    assertEquals(3, retry.dialog().localCseq());
    CallState.Held state = assertInstanceOf(CallState.Held.class, f.state());
    assertEquals(3, state.info().dialog().localCseq());

    var lost = f.kit.runCommand(new SipReinviteFailed(481));
    assertEquals(new CallEnded(EndCause.DIALOG_LOST, 481, EndCause.DIALOG_LOST.description(),
        START), lost.events().get(lost.events().size() - 1));
  }

  @Test
  void aReofferAfterRecoveryIsPersistedWithItsCseq() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var reanchor = f.kit.runCommand(CallCommand.Reanchor.INSTANCE);
    SessionReoffered event = assertInstanceOf(SessionReoffered.class, reanchor.event());
    assertEquals(SessionReoffered.Reason.REANCHOR, event.reason());
    assertEquals(2, event.dialog().localCseq());
  }
}
