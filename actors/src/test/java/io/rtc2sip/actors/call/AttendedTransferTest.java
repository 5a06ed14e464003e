package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallCommand.SipReplacingInviteReceived;
import io.rtc2sip.actors.call.CallCommand.SipTransferProgress;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.call.CallEvent.CallDialogReplaced;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallReferRefused;
import io.rtc2sip.actors.call.CallEvent.CallReferred;
import io.rtc2sip.actors.call.CallEvent.CallTransferRequested;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Attended transfer (RFC 5589 7, RFC 3891 Replaces) in its three forms: our user transfers its
 * SIP party to another of its calls (REFER with Replaces out), the SIP party transfers our user
 * with Replaces (our INVITE carries it), and an INVITE with Replaces takes a call over.
 */
class AttendedTransferTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final String BOB = "sip:bob@10.0.0.7:5070";
  private static final Replaces OTHER_CALL = new Replaces("b-call@pbx", "bob-tag", "gw-tag", false);
  private static final String DAVE = "sip:dave@pbx.example";

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  /** An INVITE with Replaces naming the call's dialog (any dialog for a call without one). */
  static SipReplacingInviteReceived replacingInvite(CallFixture f) {
    SipDialog current = f.state() instanceof CallState.Started s ? s.info().dialog() : null;
    Replaces replaces = current != null && current.remoteTag() != null
        ? new Replaces(current.callId(), current.localTag(), current.remoteTag(), false)
        : new Replaces("none@pbx", "a", "b", false);
    return replacing(replaces);
  }

  private static SipReplacingInviteReceived replacing(Replaces replaces) {
    SipDialog dialog = new SipDialog("new-call@pbx", "gw-new-tag", "dave-tag",
        "sip:alice@gw.example", DAVE, "sip:dave@10.0.0.9:5060", List.of(), 0, 1);
    return new SipReplacingInviteReceived(dialog, Party.sip(DAVE), NegotiatedMedia.pcma(),
        replaces);
  }

  // ---------------------------------------------------------------- our REFER with Replaces

  @Test
  void ourUserTransfersThePeerToAnotherOfItsCalls() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var refer = f.kit.<CallReply>runCommand(r -> new Transfer(UID, BOB, "o-other", OTHER_CALL, r));
    assertAccepted(refer.reply());
    CallTransferRequested requested = (CallTransferRequested) refer.event();
    assertEquals(new CallTransferRequested(BOB, requested.dialog(), START, OTHER_CALL), requested);
    // RFC 3891 3, seen from bob: his own tag is the to-tag; escaped as a URI header (RFC 3261
    // 19.1.1)
    assertEquals(new SipLegCommand.Refer(f.callId, requested.dialog(), BOB
        + "?Replaces=b-call%40pbx%3Bto-tag%3Dbob-tag%3Bfrom-tag%3Dgw-tag"), f.sip.receiveMessage());

    // recovered on another node, the transfer is still under way to the same target
    f.kit.restart();
    CallState.Transferring transferring =
        assertInstanceOf(CallState.Transferring.class, f.state());
    assertEquals(BOB, transferring.target());
    f.clearProbes();

    var done = f.kit.runCommand(new SipTransferProgress(200));
    assertEquals(EndCause.TRANSFERRED, ((CallEnded) done.event()).cause());
    assertEquals(new ClientNotification.Transferred(UID, f.callId, BOB),
        f.clients.receiveMessage());
  }

  @Test
  void aCallCannotReplaceItself() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    Replaces itself = Replaces.forPeerOf(f.info().dialog()).orElseThrow();
    var byId = f.kit.<CallReply>runCommand(r -> new Transfer(UID, BOB, f.callId, itself, r));
    assertTrue(CallFixture.rejection(byId.reply()).contains("itself"));
    assertTrue(byId.hasNoEvents());
    var byDialog = f.kit.<CallReply>runCommand(
        r -> new Transfer(UID, BOB, "o-other", new Replaces(f.info().dialog().callId(),
            f.info().dialog().localTag(), f.info().dialog().remoteTag(), false), r));
    assertTrue(byDialog.hasNoEvents());
    assertInstanceOf(CallState.Active.class, f.state());
  }

  // ---------------------------------------------------------------- the peer's REFER with Replaces

  @Test
  void thePeerTransfersOurUserWithReplaces() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    // Route and Call-ID in the Refer-To are not taken into our INVITE
    var referred = f.kit.runCommand(new SipReferReceived(2, "sip:carol@pbx.example"
        + "?Route=%3Csip:evil.example%3Blr%3E&Replaces=c-call%40pbx%3Bto-tag%3Dcarol%3Bfrom-tag"
        + "%3Dbob&Call-ID=x", "sip:callee@pbx.example"));
    CallReferred event = (CallReferred) referred.event();
    Replaces expected = new Replaces("c-call@pbx", "carol", "bob", false);
    assertEquals("sip:carol@pbx.example", event.target());
    assertEquals(expected, event.replaces());
    assertEquals("sip:carol@pbx.example", event.newLeg().remoteUri());
    assertEquals(100, ((SipLegCommand.NotifyTransferProgress) f.sip.receiveMessage()).status());
    assertEquals(new SipLegCommand.Invite(f.callId, event.newLeg(), Party.rtc(UID),
        Party.sip("sip:carol@pbx.example"), expected), f.sip.receiveMessage());
  }

  @Test
  void aReferWithAMalformedReplacesIsRefusedWith400() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var referred = f.kit.runCommand(new SipReferReceived(2,
        "sip:carol@pbx.example?Replaces=c-call%40pbx%3Bto-tag%3Dcarol", "sip:callee@pbx.example"));
    assertInstanceOf(CallReferRefused.class, referred.event());
    assertInstanceOf(CallState.Active.class, referred.state());
    assertEquals(400, ((SipLegCommand.NotifyTransferProgress) f.sip.receiveMessage()).status());
  }

  // ---------------------------------------------------------------- INVITE with Replaces

  @Test
  void anInviteWithReplacesTakesTheCallOver() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Alerting.class);
    f.client(r -> new CallCommand.Answer(UID, r));
    f.clearProbes();
    SipDialog old = f.info().dialog();
    SipReplacingInviteReceived invite = replacingInvite(f);
    var taken = f.kit.runCommand(invite);
    assertEquals(new CallDialogReplaced(Party.sip(DAVE), invite.dialog(), NegotiatedMedia.pcma(),
        START), taken.event());
    CallState.Active active = assertInstanceOf(CallState.Active.class, taken.state());
    assertEquals(invite.dialog(), active.info().dialog());
    assertEquals(Party.sip(DAVE), active.info().sipParty());
    assertEquals(new SipLegCommand.Accept(f.callId, invite.dialog(), NegotiatedMedia.pcma()),
        f.sip.receiveMessage());
    assertEquals(new SipLegCommand.Bye(f.callId, old.nextLocalCseq(), EndCause.TRANSFERRED),
        f.sip.receiveMessage());
    assertEquals(new MediaCommand.Start(f.callId, active.info().rtc(), NegotiatedMedia.pcma()),
        f.media.receiveMessage());
    assertEquals(new ClientNotification.Transferred(UID, f.callId, DAVE),
        f.clients.receiveMessage());

    // the old dialog's BYE answer or a late BYE of it does not end the call
    assertTrue(f.kit.runCommand(new CallCommand.SipByeReceived(old.callId(), 5, ""))
        .hasNoEvents());
    // recovery knows the new dialog (and re-anchors in it, one CSeq up)
    f.kit.restart();
    assertEquals(invite.dialog().nextLocalCseq(), f.info().dialog());
    assertEquals(Party.sip(DAVE), f.info().sipParty());
  }

  @Test
  void aHeldCallTakenOverIsActive() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Held.class);
    var taken = f.kit.runCommand(replacingInvite(f));
    assertInstanceOf(CallDialogReplaced.class, taken.event());
    assertInstanceOf(CallState.Active.class, taken.state());
    assertInstanceOf(MediaCommand.Start.class, f.media.receiveMessage());
    assertEquals(new MediaCommand.SetDirection(f.callId,
        io.rtc2sip.actors.model.SdpDirection.SENDRECV), f.media.receiveMessage());
  }

  @Test
  void anInviteNamingAnotherDialogGets481() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    SipDialog d = f.info().dialog();
    // the tags swapped: the dialog seen from the wrong side
    SipReplacingInviteReceived invite =
        replacing(new Replaces(d.callId(), d.remoteTag(), d.localTag(), false));
    var refused = f.kit.runCommand(invite);
    assertTrue(refused.hasNoEvents());
    assertEquals(new SipLegCommand.Reject(f.callId, invite.dialog(), 481, null),
        f.sip.receiveMessage());
    assertEquals(d, f.info().dialog());
  }

  @Test
  void earlyOnlyForAConfirmedDialogGets486() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    SipDialog d = f.info().dialog();
    var refused = f.kit.runCommand(
        replacing(new Replaces(d.callId(), d.localTag(), d.remoteTag(), true)));
    assertTrue(refused.hasNoEvents());
    assertEquals(486, ((SipLegCommand.Reject) f.sip.receiveMessage()).status());
  }

  @Test
  void anUnansweredCallOrOneBeingTransferredIsNotTakenOver() {
    CallFixture ringing = CallFixture.outbound(TEST_KIT);
    ringing.reach(CallState.Ringing.class);
    assertTrue(ringing.kit.runCommand(replacingInvite(ringing)).hasNoEvents());
    assertEquals(481, ((SipLegCommand.Reject) ringing.sip.receiveMessage()).status());

    CallFixture transferring = CallFixture.outbound(TEST_KIT);
    transferring.reach(CallState.Transferring.class);
    assertTrue(transferring.kit.runCommand(replacingInvite(transferring)).hasNoEvents());
    assertEquals(603, ((SipLegCommand.Reject) transferring.sip.receiveMessage()).status());
    assertInstanceOf(CallState.Transferring.class, transferring.state());

    // a conference's dialogs are not taken over: 603, and the INVITE is not left unanswered
    CallFixture conference = CallFixture.outbound(TEST_KIT);
    conference.reach(CallState.Conferencing.class);
    conference.clearProbes();
    assertTrue(conference.kit.runCommand(replacingInvite(conference)).hasNoEvents());
    assertEquals(603, ((SipLegCommand.Reject) conference.sip.receiveMessage()).status());
    assertInstanceOf(CallState.Conferencing.class, conference.state());
  }
}
