package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallCommand.SipTransferProgress;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallReferred;
import io.rtc2sip.actors.call.CallEvent.CallTransferCompleted;
import io.rtc2sip.actors.call.CallEvent.CallTransferFailed;
import io.rtc2sip.actors.call.CallEvent.CallTransferRequested;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Blind transfer: by our RTC user (REFER out) and by the SIP peer (REFER in). */
class TransferTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final String BOB = "sip:bob@pbx.example";
  private static final String CAROL = "sip:carol@pbx.example";

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void ourUserTransfersThePeer() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var refer = f.kit.<CallReply>runCommand(r -> new Transfer(UID, BOB, r));
    assertAccepted(refer.reply());
    CallTransferRequested requested = (CallTransferRequested) refer.event();
    assertEquals(BOB, requested.target());
    assertEquals(new SipLegCommand.Refer(f.callId, requested.dialog(), BOB),
        f.sip.receiveMessage());
    assertTrue(f.kit.runCommand(new SipTransferProgress(100)).hasNoEvents());

    var done = f.kit.runCommand(new SipTransferProgress(200));
    assertEquals(new CallEnded(EndCause.TRANSFERRED, 200, EndCause.TRANSFERRED.description(),
        START), done.event());
    assertEquals(new ClientNotification.Transferred(UID, f.callId, BOB),
        f.clients.receiveMessage());
    // the call is over for the user too: like every call, it ends with Ended
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.TRANSFERRED, 200),
        f.clients.receiveMessage());
    SipLegCommand.Bye bye = (SipLegCommand.Bye) f.sip.receiveMessage();
    assertEquals(3, bye.dialog().localCseq());
  }

  @Test
  void aFailedTransferGoesBackToTheCall() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Transferring.class);
    var failed = f.kit.runCommand(new SipTransferProgress(486));
    assertEquals(new CallTransferFailed(486, START), failed.event());
    assertInstanceOf(CallState.Active.class, failed.state());
    assertEquals(new ClientNotification.TransferFailed(UID, f.callId, 486),
        f.clients.receiveMessage());
  }

  @Test
  void thePeerTransfersOurUserToATargetThatAnswers() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var referred = f.kit.runCommand(new SipReferReceived(2, CAROL, "sip:callee@pbx.example"));
    CallReferred event = (CallReferred) referred.event();
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), event.newLeg().callId());
    assertEquals(2, event.dialog().remoteCseq());
    assertEquals(2, event.dialog().localCseq());
    assertEquals(new SipLegCommand.NotifyTransferProgress(f.callId, event.dialog(), 100),
        f.sip.receiveMessage());
    assertEquals(new SipLegCommand.Invite(f.callId, event.newLeg(), Party.rtc(UID),
        Party.sip(CAROL)), f.sip.receiveMessage());

    var answered = f.kit.runCommand(new SipAnswered("carol-tag", "sip:carol@10.0.0.3", List.of(),
        NegotiatedMedia.pcma()));
    CallTransferCompleted completed = (CallTransferCompleted) answered.event();
    assertEquals(Party.sip(CAROL), completed.party());
    assertEquals("carol-tag", completed.dialog().remoteTag());
    CallState.Active active = assertInstanceOf(CallState.Active.class, answered.state());
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), active.info().dialog().callId());
    assertEquals(Party.sip(CAROL), active.info().callee());
    assertEquals(200, ((SipLegCommand.NotifyTransferProgress) f.sip.receiveMessage()).status());
    SipLegCommand.Bye oldBye = (SipLegCommand.Bye) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId), oldBye.dialog().callId());
    assertEquals(new MediaCommand.Start(f.callId, active.info().rtc(), NegotiatedMedia.pcma()),
        f.media.receiveMessage());
    assertEquals(new ClientNotification.Transferred(UID, f.callId, CAROL),
        f.clients.receiveMessage());

    // the transferor's own BYE of the old dialog must not end the transferred call
    assertTrue(f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId), 3, ""))
        .hasNoEvents());
    assertInstanceOf(CallState.Active.class, f.state());
  }

  @Test
  void aTargetThatFailsAfterTheTransferorLeftEndsTheCall() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Referred.class);
    var left = f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId), 3, ""));
    assertTrue(((CallState.Referred) left.state()).transferorLeft());
    var failed = f.kit.runCommand(new SipFailed(486, "Busy"));
    assertEquals(EndCause.TRANSFER_FAILED, ((CallEnded) failed.event()).cause());
  }

  @Test
  void aTargetThatFailsWhileTheTransferorStaysResumesTheCall() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Referred.class);
    long cseqBefore = f.info().dialog().localCseq();
    var failed = f.kit.runCommand(new SipFailed(480, "Unavailable"));
    assertEquals(new CallTransferFailed(480, START), failed.event());
    CallState.Active active = assertInstanceOf(CallState.Active.class, failed.state());
    // the final NOTIFY used the next CSeq, so the next request must use a higher one
    assertEquals(cseqBefore + 1, active.info().dialog().localCseq());
    SipLegCommand.NotifyTransferProgress notify =
        (SipLegCommand.NotifyTransferProgress) f.sip.receiveMessage();
    assertEquals(480, notify.status());
    assertEquals(cseqBefore + 1, notify.dialog().localCseq());
    f.media.expectNoMessage(Duration.ofMillis(50));
    assertFalse(f.state() instanceof CallState.Referred);
  }
}
