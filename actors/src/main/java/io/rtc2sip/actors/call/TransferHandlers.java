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
import io.rtc2sip.actors.model.ReferTarget;
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

  /**
   * Our user hands the peer over to a target its dial plan allows: REFER. Attended (with the
   * Replaces of another call of the user), the Refer-To carries the Replaces; a call cannot
   * replace itself.
   */
  ReplyEffect<CallEvent, CallState> transfer(Started state, Transfer t) {
    CallInfo info = state.info();
    if (t.replaces() != null && (t.replacesCall() == null
        || t.replacesCall().equals(a.callId()) || t.replaces().names(info.dialog()))) {
      return a.reject(t, "a call cannot be transferred to itself: replaces must name another"
          + " call");
    }
    String refusal = a.destinationRefusal(info.uid(), t.target());
    if (refusal != null) {
      return a.reject(t, DialPlan.FORBIDDEN_DESTINATION, refusal);
    }
    SipDialog dialog = info.dialog().nextLocalCseq();
    String referTo = new ReferTarget(t.target(), t.replaces()).referToUri();
    return a.effects()
        .persist(new CallTransferRequested(t.target(), dialog, a.now(), t.replaces()))
        .thenRun(
            next -> {
              if (t.replaces() == null) {
                a.log().info("transferring the peer to {}", t.target());
              } else {
                a.log().info("transferring the peer to {}, replacing call {}", t.target(),
                    t.replacesCall());
              }
              a.sip(new SipLegCommand.Refer(a.callId(), dialog, referTo));
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

  /**
   * The peer's REFER: invite the target in a new leg (with the Replaces its Refer-To carries, an
   * attended transfer; other headers of the Refer-To are dropped), or refuse one the dial plan
   * forbids (403) or whose Replaces is not one (400).
   */
  ReplyEffect<CallEvent, CallState> referred(Started state, SipReferReceived refer) {
    CallInfo info = state.info();
    String callId = a.callId();
    SipDialog old = info.dialog().withRemoteCseq(refer.cseq()).nextLocalCseq();
    ReferTarget target;
    try {
      target = ReferTarget.parse(refer.referTo());
    } catch (IllegalArgumentException bad) {
      return referRefused(refer, old, 400, bad.getMessage(), null);
    }
    String refusal = a.destinationRefusal(info.uid(), target.uri());
    if (refusal != null) {
      return referRefused(refer, old, 403, refusal, DialPlan.FORBIDDEN_DESTINATION);
    }
    int leg = info.sipLegs() + 1;
    String localUri = "sip:" + info.uid() + "@" + a.settings().sipDomain();
    SipDialog newLeg =
        SipDialog.outgoing(
            CallIds.sipCallIdFor(callId, leg), CallIds.localTagFor(callId, leg), localUri,
            target.uri());
    return a.effects()
        .persist(new CallReferred(target.uri(), refer.referredBy(), old, newLeg, a.now(),
            target.replaces()))
        .thenRun(
            next -> {
              a.log().info("referred to {} by {}{}", target.uri(), refer.referredBy(),
                  target.replaces() == null ? "" : ", replacing " + target.replaces());
              a.sip(new SipLegCommand.NotifyTransferProgress(callId, old, 100));
              a.sip(new SipLegCommand.Invite(callId, newLeg, Party.rtc(info.uid()),
                  Party.sip(target.uri()), target.replaces()));
            }).thenNoReply();
  }

  /**
   * The REFER (answered 202 by the adapter) is refused in its final NOTIFY (RFC 3515), counted
   * as {@code refusalCode} when that is not null.
   */
  private ReplyEffect<CallEvent, CallState> referRefused(SipReferReceived refer, SipDialog old,
      int status, String why, String refusalCode) {
    return a.effects()
        .persist(new CallReferRefused(refer.referTo(), refer.referredBy(), old, a.now()))
        .thenRun(
            next -> {
              a.log().warn("REFER to {} by {} refused ({}): {}", refer.referTo(),
                  refer.referredBy(), status, why);
              if (refusalCode != null) {
                a.counted(refusalCode);
              }
              a.sip(new SipLegCommand.NotifyTransferProgress(a.callId(), old, status));
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

  // ---------------------------------------------------------------- by an INVITE with Replaces

  /**
   * An INVITE with Replaces naming this call: in Active or Held, when it names the call's
   * confirmed dialog, the new party takes the call over (our 200 with SDP in its dialog, BYE in
   * the old one, the media to the new party); otherwise it is refused (RFC 3891 3): 481 for a
   * dialog that is not the call's (or not confirmed), 486 for early-only, 603 while the call is
   * being transferred or has ended.
   */
  ReplyEffect<CallEvent, CallState> replacingInvite(Started state,
      CallCommand.SipReplacingInviteReceived r) {
    CallInfo info = state.info();
    String callId = a.callId();
    boolean established = state instanceof CallState.Active || state instanceof CallState.Held;
    int refusal = 0;
    if (!established) {
      refusal = state instanceof Transferring || state instanceof Referred
          || state instanceof CallState.Conferencing || state instanceof CallState.Ended
          ? 603 : 481;
    } else if (!r.replaces().names(info.dialog())) {
      refusal = 481;
    } else if (r.replaces().earlyOnly()) {
      refusal = 486;
    }
    if (refusal != 0) {
      int status = refusal;
      a.log().info("INVITE with Replaces {} refused with {} in {}", r.replaces(), status,
          state.stateName());
      a.sip(new SipLegCommand.Reject(callId, r.dialog(), status, null));
      return a.none();
    }
    SipDialog old = info.dialog().nextLocalCseq();
    return a.effects()
        .persist(new CallEvent.CallDialogReplaced(r.party(), r.dialog(), r.offer(), a.now()))
        .thenRun(
            next -> {
              a.log().info("{} replaces {} in the call", r.party().address(),
                  info.sipParty().address());
              a.sip(new SipLegCommand.Accept(callId, r.dialog(), r.offer()));
              a.sip(new SipLegCommand.Bye(callId, old, EndCause.TRANSFERRED));
              a.media(new MediaCommand.Start(callId, info.rtc(), r.offer()));
              if (state instanceof CallState.Held) {
                // our 200 to the new party is sendrecv: the hold ends with the old dialog
                a.media(new MediaCommand.SetDirection(callId,
                    io.rtc2sip.actors.model.SdpDirection.SENDRECV));
              }
              a.client(new ClientNotification.Transferred(info.uid(), callId,
                  r.party().address()));
            }).thenNoReply();
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
