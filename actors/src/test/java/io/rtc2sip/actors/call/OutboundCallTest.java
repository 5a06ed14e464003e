package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static io.rtc2sip.actors.call.CallFixture.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.Cancel;
import io.rtc2sip.actors.call.CallCommand.CancelTimeout;
import io.rtc2sip.actors.call.CallCommand.GetCall;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.NoAnswerTimeout;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallEvent.CallAnswered;
import io.rtc2sip.actors.call.CallEvent.CallCancelling;
import io.rtc2sip.actors.call.CallEvent.CallDialed;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallRinging;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** RTC user calls SIP: dial, ring, answer, hang up, fail, cancel, time out. */
class OutboundCallTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.manualTimeConfig());
  private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void placeCallPersistsTheDialogAndInvites() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    var result =
        f.kit.<CallReply>runCommand(
            r -> new PlaceCall(UID, "room-1", "+4930123456", r));
    assertAccepted(result.reply());
    SipDialog dialog =
        SipDialog.outgoing(CallIds.sipCallIdFor(f.callId), CallIds.localTagFor(f.callId, 1),
            "sip:alice@gw.example", "sip:+4930123456@gw.example");
    CallDialed expected =
        new CallDialed(f.callId, Party.rtc(UID), Party.sip("sip:+4930123456@gw.example"),
            new RtcLeg("room-1", UID), dialog, START.plusSeconds(60), START);
    assertEquals(expected, result.event());
    assertInstanceOf(CallState.Dialing.class, result.state());

    assertEquals(new UserCommand.CallStarted(f.callId), f.userMessage(UserCommand.CallStarted.class));
    assertEquals(new MediaCommand.Prepare(f.callId, new RtcLeg("room-1", UID),
        io.rtc2sip.actors.model.CallDirection.OUTBOUND), f.media.receiveMessage());
    assertEquals(new SipLegCommand.Invite(f.callId, dialog, Party.rtc(UID),
        Party.sip("sip:+4930123456@gw.example")), f.sip.receiveMessage());
  }

  @Test
  void ringingAnsweredAndHungUp() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Dialing.class);

    var ringing = f.kit.runCommand(new SipProvisional(180, "peer-tag", null));
    assertEquals(new CallRinging(180, "peer-tag", null, START), ringing.event());
    assertEquals(new ClientNotification.Ringing(UID, f.callId, false), f.clients.receiveMessage());
    // a second 180 without SDP changes nothing
    assertTrue(f.kit.runCommand(new SipProvisional(180, "peer-tag", null)).hasNoEvents());

    f.clock.advance(Duration.ofSeconds(5));
    var answered = f.kit.runCommand(CallFixture.answered());
    CallAnswered event = assertInstanceOf(CallAnswered.class, answered.event());
    assertEquals("peer-tag", event.dialog().remoteTag());
    assertEquals("sip:callee@10.0.0.2:5060", event.dialog().remoteTarget());
    assertEquals(NegotiatedMedia.pcmu(), event.media());
    assertEquals(new ClientNotification.Answered(UID, f.callId), f.clients.receiveMessage());
    assertEquals(new MediaCommand.Start(f.callId, new RtcLeg("room-1", UID),
        NegotiatedMedia.pcmu()), f.media.receiveMessage());

    var view = f.kit.<CallView>runCommand(GetCall::new).reply();
    assertEquals("Active", view.state());
    assertEquals(START.plusSeconds(5), view.since());

    var hangup = f.kit.<CallReply>runCommand(r -> new Hangup(UID, r));
    assertAccepted(hangup.reply());
    assertEquals(new CallEnded(EndCause.LOCAL_HANGUP, 200, EndCause.LOCAL_HANGUP.description(),
        START.plusSeconds(5)), hangup.event());
    SipLegCommand.Bye bye = assertInstanceOf(SipLegCommand.Bye.class, f.sip.receiveMessage());
    assertEquals(2, bye.dialog().localCseq());
    assertEquals(EndCause.LOCAL_HANGUP, bye.cause());
    assertEquals(new MediaCommand.Stop(f.callId), f.media.receiveMessage());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.LOCAL_HANGUP, 200),
        f.clients.receiveMessage());
    assertEquals(new UserCommand.CallEnded(f.callId), f.userMessage(UserCommand.CallEnded.class));
    assertInstanceOf(ClusterSharding.Passivate.class, f.shard.receiveMessage());
  }

  @Test
  void earlyMediaStartsTheBridgeBeforeAnswer() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ringing.class);
    var early = f.kit.runCommand(new SipProvisional(183, "peer-tag", NegotiatedMedia.pcma()));
    assertEquals(new CallRinging(183, "peer-tag", NegotiatedMedia.pcma(), START), early.event());
    assertTrue(((CallState.Ringing) early.state()).earlyMedia());
    assertEquals(new ClientNotification.Ringing(UID, f.callId, true), f.clients.receiveMessage());
    assertInstanceOf(MediaCommand.Start.class, f.media.receiveMessage());
  }

  @Test
  void busyEndsWithTheMappedCause() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ringing.class);
    var busy = f.kit.runCommand(new SipFailed(486, "Busy Here"));
    assertEquals(new CallEnded(EndCause.BUSY, 486, EndCause.BUSY.description(), START),
        busy.event());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.BUSY, 486),
        f.clients.receiveMessage());
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void cancelThen487EndsCancelled() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ringing.class);
    var cancel = f.kit.<CallReply>runCommand(r -> new Cancel(UID, r));
    assertAccepted(cancel.reply());
    assertEquals(new CallCancelling(EndCause.CANCELLED, START.plusSeconds(32), START),
        cancel.event());
    assertEquals(EndCause.CANCELLED,
        assertInstanceOf(SipLegCommand.Cancel.class, f.sip.receiveMessage()).cause());
    // hanging up again while cancelling is harmless
    assertAccepted(f.kit.<CallReply>runCommand(r -> new Hangup(UID, r)).reply());
    var ended = f.kit.runCommand(new SipFailed(487, "Request Terminated"));
    assertEquals(new CallEnded(EndCause.CANCELLED, 487, EndCause.CANCELLED.description(), START),
        ended.event());
  }

  @Test
  void aTwoHundredCrossingTheCancelIsHungUp() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Cancelling.class);
    var ended = f.kit.runCommand(CallFixture.answered());
    assertEquals(EndCause.CANCELLED, ((CallEnded) ended.event()).cause());
    SipLegCommand.Bye bye = assertInstanceOf(SipLegCommand.Bye.class, f.sip.receiveMessage());
    assertEquals("peer-tag", bye.dialog().remoteTag());
  }

  @Test
  void noAnswerCancelsAndEndsWithNoAnswer() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ringing.class);
    var timeout = f.kit.runCommand(NoAnswerTimeout.INSTANCE);
    assertEquals(EndCause.NO_ANSWER, ((CallCancelling) timeout.event()).cause());
    assertInstanceOf(SipLegCommand.Cancel.class, f.sip.receiveMessage());
    var ended = f.kit.runCommand(new SipFailed(487, "Request Terminated"));
    assertEquals(EndCause.NO_ANSWER, ((CallEnded) ended.event()).cause());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.NO_ANSWER, 487),
        f.clients.receiveMessage());
  }

  @Test
  void noFinalResponseAfterCancelEndsWith408() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Cancelling.class);
    var ended = f.kit.runCommand(CancelTimeout.INSTANCE);
    assertEquals(new CallEnded(EndCause.CANCELLED, 408, EndCause.CANCELLED.description(), START),
        ended.event());
  }

  @Test
  void theNoAnswerTimerFiresFromItsDeadline() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.place();
    f.sip.expectMessageClass(SipLegCommand.Invite.class);
    // the fixture's no-answer timeout: 60 s
    TIME.timePasses(Duration.ofMillis(59_999));
    f.sip.expectNoMessage(Duration.ofMillis(100));
    TIME.timePasses(Duration.ofMillis(1));
    SipLegCommand.Cancel cancel = f.sip.expectMessageClass(SipLegCommand.Cancel.class);
    assertEquals(EndCause.NO_ANSWER, cancel.cause());
    assertInstanceOf(CallState.Cancelling.class, f.state());
  }

  @Test
  void commandsOfOtherUsersAndUnknownCallsAreRejected() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    assertEquals("no such call", rejection(f.client(r -> new Hangup(UID, r))));
    f.reach(CallState.Ringing.class);
    String reason = rejection(f.client(r -> new Hangup("mallory", r)));
    assertTrue(reason.contains("mallory"), reason);
    assertInstanceOf(CallState.Ringing.class, f.state());
  }
}
