package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallCommand.SipTransferProgress;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.call.CallEvent.CallReferRefused;
import io.rtc2sip.actors.call.CallEvent.CallReferred;
import io.rtc2sip.actors.call.CallEvent.CallTransferCompleted;
import io.rtc2sip.actors.call.CallEvent.CallTransferFailed;
import io.rtc2sip.actors.call.CallEvent.CallTransferRequested;
import io.rtc2sip.actors.call.CallEvent.CallTransferorLeft;
import io.rtc2sip.actors.call.CallState.Referred;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.call.CallState.Transferring;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Blind transfer both ways: our RTC user transfers the SIP peer (REFER out, state {@link
 * Transferring}), and the SIP peer transfers our RTC user (REFER in, state {@link Referred}: we
 * INVITE the target in a new leg while the old dialog stays up, RFC 3515/5589). Each method is the
 * handler of rows of {@link CallTransitions}.
 */
final class TransferHandlers {

  private final CallActions a;

  TransferHandlers(CallActions actions) {
    this.a = actions;
  }

  // ---------------------------------------------------------------- by our RTC user

  /** Our user hands the peer over to a target its dial plan allows: REFER. */
  ReplyEffect<CallEvent, CallState> transfer(Started state, Transfer t) {
    CallInfo info = state.info();
    String refusal = a.destinationRefusal(info.uid(), t.target());
    if (refusal != null) {
      return a.reject(t, DialPlan.FORBIDDEN_DESTINATION, refusal);
    }
    SipDialog dialog = info.dialog().nextLocalCseq();
    return a.effects()
        .persist(new CallTransferRequested(t.target(), dialog, a.now()))
        .thenRun(
            next -> {
              a.log().info("transferring the peer to {}", t.target());
              a.sip(new SipLegCommand.Refer(a.callId(), dialog, t.target()));
            })
            .thenReply(t.replyTo(), next -> a.acceptance());
  }

  /** 1xx: nothing; 2xx: the peer is handed over, the call ends; others: it goes on. */
  ReplyEffect<CallEvent, CallState> progress(Transferring state, SipTransferProgress p) {
    CallInfo info = state.info();
    int status = p.status();
    if (status < 200) {
      return a.none();
    }
    if (status < 300) {
      return a.end(state, EndCall.of(EndCause.TRANSFERRED, 200).sending(() -> {
        a.client(new ClientNotification.Transferred(info.uid(), a.callId(), state.target()));
        a.sip(new SipLegCommand.Bye(
            a.callId(), info.dialog().nextLocalCseq(), EndCause.TRANSFERRED));
      }));
    }
    return a.effects()
        .persist(new CallTransferFailed(status, a.now()))
        .thenRun(
            next -> {
              a.log().info("transfer to {} failed with {}", state.target(), status);
              a.client(new ClientNotification.TransferFailed(info.uid(), a.callId(), status));
            }).thenNoReply();
  }

  // ---------------------------------------------------------------- by the SIP peer

  /** The peer's REFER: invite the target in a new leg, or refuse one the dial plan forbids. */
  ReplyEffect<CallEvent, CallState> referred(Started state, SipReferReceived refer) {
    CallInfo info = state.info();
    String callId = a.callId();
    SipDialog old = info.dialog().withRemoteCseq(refer.cseq()).nextLocalCseq();
    String refusal = a.destinationRefusal(info.uid(), refer.referTo());
    if (refusal != null) {
      // the adapter answered the REFER 202: the refusal goes in the final NOTIFY (RFC 3515)
      return a.effects()
          .persist(new CallReferRefused(refer.referTo(), refer.referredBy(), old, a.now()))
          .thenRun(
              next -> {
                a.log().warn("REFER to {} by {} refused: {}", refer.referTo(),
                    refer.referredBy(), refusal);
                a.counted(DialPlan.FORBIDDEN_DESTINATION);
                a.sip(new SipLegCommand.NotifyTransferProgress(callId, old, 403));
              }).thenNoReply();
    }
    int leg = info.sipLegs() + 1;
    String localUri = "sip:" + info.uid() + "@" + a.settings().sipDomain();
    SipDialog newLeg =
        SipDialog.outgoing(
            CallIds.sipCallIdFor(callId, leg), CallIds.localTagFor(callId, leg), localUri,
            refer.referTo());
    return a.effects()
        .persist(new CallReferred(refer.referTo(), refer.referredBy(), old, newLeg, a.now()))
        .thenRun(
            next -> {
              a.log().info("referred to {} by {}", refer.referTo(), refer.referredBy());
              a.sip(new SipLegCommand.NotifyTransferProgress(callId, old, 100));
              a.sip(new SipLegCommand.Invite(
                  callId, newLeg, Party.rtc(info.uid()), Party.sip(refer.referTo())));
            }).thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> targetProvisional(SipProvisional p) {
    a.log().info("transfer target answered {}", p.status());
    return a.none();
  }

  ReplyEffect<CallEvent, CallState> targetAnswered(Referred state, SipAnswered ok) {
    CallInfo info = state.info();
    String callId = a.callId();
    SipDialog dialog = state.newLeg().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet())
        .withSessionRefresh(ok.sessionRefreshSeconds())
              .withLocalCseqAtLeast(ok.inviteCseq());
    Party party = Party.sip(state.target());
    return a.effects()
        .persist(new CallTransferCompleted(party, dialog, ok.media(), a.now()))
        .thenRun(
            next -> {
              a.log().info("transfer target {} answered", state.target());
              if (!state.transferorLeft()) {
                SipDialog notify = info.dialog().nextLocalCseq();
                a.sip(new SipLegCommand.NotifyTransferProgress(callId, notify, 200));
                a.sip(new SipLegCommand.Bye(callId, notify.nextLocalCseq(),
                    EndCause.TRANSFERRED));
              }
              a.media(new MediaCommand.Start(callId, info.rtc(), ok.media()));
              a.client(new ClientNotification.Transferred(info.uid(), callId, state.target()));
            }).thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> targetFailed(Referred state, SipFailed f) {
    return transferFailed(state, f.status(), false);
  }

  /** A BYE of the old dialog: the transferor left, the transfer goes on. */
  ReplyEffect<CallEvent, CallState> transferorLeft(Referred state, SipByeReceived bye) {
    if (state.transferorLeft() || !bye.sipCallId().equals(state.info().dialog().callId())) {
      return a.none();
    }
    a.log().info("the transferor hung up; the transfer goes on");
    return a.effects().persist(new CallTransferorLeft(a.now())).thenNoReply();
  }

  /** Recovered on this node: the INVITE to the target died with the old node. */
  ReplyEffect<CallEvent, CallState> reanchorWhileReferred(Referred state) {
    a.log().info("recovered while inviting the transfer target: that INVITE is lost");
    return transferFailed(state, 408, true);
  }

  private ReplyEffect<CallEvent, CallState> transferFailed(
      Referred state, int status, boolean recovered) {
    CallInfo info = state.info();
    String callId = a.callId();
    if (state.transferorLeft()) {
      return a.end(state, EndCall.of(EndCause.TRANSFER_FAILED, status));
    }
    SipDialog notify = info.dialog().nextLocalCseq();
    return a.effects()
        .persist(new CallTransferFailed(status, a.now()))
        .thenRun(
            next -> {
              a.log().info("transfer target {} failed with {}", state.target(), status);
              a.sip(new SipLegCommand.NotifyTransferProgress(callId, notify, status));
              a.client(new ClientNotification.TransferFailed(info.uid(), callId, status));
              if (recovered) {
                // media of the old dialog died with the old node as well
                a.self().tell(CallCommand.Reanchor.INSTANCE);
              }
            }).thenNoReply();
  }
}
