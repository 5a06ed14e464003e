package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.Hold;
import io.rtc2sip.actors.call.CallCommand.MediaDtmfReceived;
import io.rtc2sip.actors.call.CallCommand.MediaStarted;
import io.rtc2sip.actors.call.CallCommand.MediaTimeout;
import io.rtc2sip.actors.call.CallCommand.Reanchor;
import io.rtc2sip.actors.call.CallCommand.ReinviteRetry;
import io.rtc2sip.actors.call.CallCommand.SessionRefreshDue;
import io.rtc2sip.actors.call.CallCommand.Reoffer;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
import io.rtc2sip.actors.call.CallCommand.RtcPeerLeft;
import io.rtc2sip.actors.call.CallCommand.SendDtmf;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipAckTimeout;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipReinviteFailed;
import io.rtc2sip.actors.call.CallCommand.SipRemoteHold;
import io.rtc2sip.actors.call.CallCommand.SipRemoteResume;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.call.CallCommand.Unhold;
import io.rtc2sip.actors.call.CallEvent.CallHeld;
import io.rtc2sip.actors.call.CallEvent.CallResumed;
import io.rtc2sip.actors.call.CallEvent.CallTransferRequested;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.call.CallEvent.SessionReoffered;
import io.rtc2sip.actors.call.CallState.Ended;
import io.rtc2sip.actors.call.CallState.Held;
import io.rtc2sip.actors.call.CallState.Referred;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import java.util.regex.Pattern;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/** The answered call: hold, DTMF, hangup, media facts, re-INVITE mechanics and re-anchoring. */
final class EstablishedCallHandlers {

  private static final Pattern DTMF_DIGITS = Pattern.compile("[0-9*#A-D]{1,32}");

  private final CallActions a;
  private final TransferHandlers transfers;

  EstablishedCallHandlers(CallActions actions) {
    this.a = actions;
    this.transfers = new TransferHandlers(actions);
  }

  Effect<CallEvent, CallState> handle(Started state, CallCommand command) {
    if (state instanceof Ended) {
      return afterEnd(state, command);
    }
    Effect<CallEvent, CallState> transfer = transfers.handle(state, command);
    if (transfer != null) {
      return transfer;
    }
    CallInfo info = state.info();
    String callId = a.callId();
    if (command instanceof Hold hold) {
      if (state.hold().local()) {
        return a.reject(hold, "the call is already on hold");
      }
      return reoffer(state, hold, HoldSide.RTC, true);
    }
    if (command instanceof Unhold unhold) {
      if (!state.hold().local()) {
        return a.reject(unhold, "the call is not on hold by you");
      }
      return reoffer(state, unhold, HoldSide.RTC, false);
    }
    if (command instanceof SipRemoteHold h) {
      if (state.hold().remote()) {
        return a.effects().none();
      }
      return remote(state, h.cseq(), true);
    }
    if (command instanceof SipRemoteResume r) {
      if (!state.hold().remote()) {
        return a.effects().none();
      }
      return remote(state, r.cseq(), false);
    }
    if (command instanceof SendDtmf dtmf) {
      String digits = dtmf.digits().toUpperCase(java.util.Locale.ROOT);
      if (!DTMF_DIGITS.matcher(digits).matches()) {
        return a.reject(dtmf, "DTMF digits must be 1 to 32 of 0-9 * # A-D: " + dtmf.digits());
      }
      if (a.settings().dtmfByInfo()) {
        SipDialog first = info.dialog().nextLocalCseq();
        SipDialog last = first.nextLocalCseq(digits.length() - 1);
        return a.effects()
            .persist(new CallEvent.DtmfSentByInfo(digits, last, a.now()))
            .thenRun(next -> {
              a.log().info("DTMF {} by SIP INFO", digits);
              a.accepted(dtmf);
              a.sip(new SipLegCommand.Info(callId, first, digits, CallActions.DTMF_DURATION_MS));
            });
      }
      a.media(new MediaCommand.SendDtmf(callId, digits, CallActions.DTMF_DURATION_MS));
      return a.accept(dtmf);
    }
    if (command instanceof MediaDtmfReceived d) {
      a.client(new ClientNotification.DtmfReceived(info.uid(), callId, d.digit()));
      return a.effects().none();
    }
    if (command instanceof MediaStarted) {
      a.log().info("media flowing");
      return a.effects().none();
    }
    if (command instanceof MediaTimeout) {
      if (state instanceof Held) {
        return a.effects().none();
      }
      return hangUp(state, EndCause.MEDIA_TIMEOUT, null);
    }
    if (command instanceof Hangup hangup) {
      return hangUp(state, EndCause.LOCAL_HANGUP, hangup);
    }
    if (command instanceof RtcPeerLeft) {
      return hangUp(state, EndCause.RTC_PEER_LEFT, null);
    }
    if (command instanceof Reoffer reoffer) {
      if (!info.rtc().browser()) {
        return a.reject(reoffer, "the call's RTC leg is not a browser's: nothing to renegotiate");
      }
      a.reofferArrived();
      a.log().info("a new WebRTC offer from the browser: the media answers it on this node");
      a.media(new MediaCommand.BrowserReoffer(callId, info.rtc(),
          new MediaCommand.BrowserOffer(reoffer.rtcOffer(), reoffer.replyTo())));
      return a.effects().none(); // the media replies, with its SDP answer
    }
    if (command instanceof RtcMediaFailed failed) {
      a.log().info("WebRTC leg failed: {}", failed.reason());
      return hangUp(state, EndCause.RTC_MEDIA_FAILED, null);
    }
    if (command instanceof SipAckTimeout) {
      a.log().warn("no ACK for our 2xx: ending the call with a BYE");
      return hangUp(state, EndCause.DIALOG_LOST, 408, null);
    }
    if (command instanceof SipByeReceived bye) {
      if (!bye.sipCallId().equals(info.dialog().callId())) {
        a.log().info("BYE of an earlier dialog {} ignored", bye.sipCallId());
        return a.effects().none();
      }
      return a.end(state, EndCall.of(EndCause.REMOTE_HANGUP, 200));
    }
    if (command instanceof SipReinviteFailed f) {
      return reinviteFailed(state, f.status());
    }
    if (command instanceof ReinviteRetry) {
      return reoffer(state, SessionReoffered.Reason.GLARE_RETRY);
    }
    if (command instanceof Reanchor) {
      return reoffer(state, SessionReoffered.Reason.REANCHOR);
    }
    if (command instanceof SessionRefreshDue) {
      return reoffer(state, SessionReoffered.Reason.SESSION_REFRESH);
    }
    if (command instanceof Transfer t) {
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
                a.accepted(t);
                a.sip(new SipLegCommand.Refer(callId, dialog, t.target()));
              });
    }
    return a.effects().none();
  }

  /** Hangs up an established call: BYE with the cause (and CANCEL of a transfer leg). */
  Effect<CallEvent, CallState> hangUp(Started state, EndCause cause, Hangup replyTo) {
    return hangUp(state, cause, 200, replyTo);
  }

  private Effect<CallEvent, CallState> hangUp(
      Started state, EndCause cause, int sipStatus, Hangup replyTo) {
    CallInfo info = state.info();
    return a.end(state, EndCall.of(cause, sipStatus).answering(replyTo).sending(() -> {
      if (state instanceof Referred r) {
        a.sip(new SipLegCommand.Cancel(a.callId(), r.newLeg(), cause));
        if (r.transferorLeft()) {
          return;
        }
      }
      a.sip(new SipLegCommand.Bye(a.callId(), info.dialog().nextLocalCseq(), cause));
    }));
  }

  private Effect<CallEvent, CallState> reoffer(
      Started state, CallCommand.ClientCommand replyTo, HoldSide by, boolean hold) {
    CallInfo info = state.info();
    SipDialog dialog = info.dialog().nextLocalCseq();
    CallEvent event =
        hold ? new CallHeld(by, dialog, a.now()) : new CallResumed(by, dialog, a.now());
    return a.effects()
        .persist(event)
        .thenRun(
            next -> {
              SdpDirection direction = CallActions.direction(next);
              a.log().info("{} by {}: offering {}", hold ? "hold" : "resume", by, direction);
              a.accepted(replyTo);
              a.sip(new SipLegCommand.Reinvite(a.callId(), dialog, direction, info.media()));
              a.media(new MediaCommand.SetDirection(a.callId(), direction));
              a.client(hold
                  ? new ClientNotification.Held(info.uid(), a.callId(), by)
                  : new ClientNotification.Resumed(info.uid(), a.callId(), by));
            });
  }

  private Effect<CallEvent, CallState> remote(Started state, long cseq, boolean hold) {
    CallInfo info = state.info();
    SipDialog dialog = info.dialog().withRemoteCseq(cseq);
    CallEvent event =
        hold
            ? new CallHeld(HoldSide.SIP, dialog, a.now())
            : new CallResumed(HoldSide.SIP, dialog, a.now());
    return a.effects()
        .persist(event)
        .thenRun(
            next -> {
              a.log().info("{} by the SIP peer", hold ? "hold" : "resume");
              a.media(new MediaCommand.SetDirection(a.callId(), CallActions.direction(next)));
              a.client(hold
                  ? new ClientNotification.Held(info.uid(), a.callId(), HoldSide.SIP)
                  : new ClientNotification.Resumed(info.uid(), a.callId(), HoldSide.SIP));
            });
  }

  /** Offers the session again in the same dialog (after glare, or re-anchored on this node). */
  Effect<CallEvent, CallState> reoffer(Started state, SessionReoffered.Reason reason) {
    CallInfo info = state.info();
    SipDialog dialog = info.dialog().nextLocalCseq();
    SdpDirection direction = CallActions.direction(state);
    return a.effects()
        .persist(new SessionReoffered(reason, dialog, a.now()))
        .thenRun(
            next -> {
              a.log().info("re-offering the session ({}), {}", reason, direction);
              a.armTimer(next);
              if (reason == SessionReoffered.Reason.REANCHOR) {
                a.media(new MediaCommand.Reanchor(
                    a.callId(), info.rtc(), info.media(), direction));
              }
              a.sip(new SipLegCommand.Reinvite(a.callId(), dialog, direction, info.media()));
            });
  }

  private Effect<CallEvent, CallState> reinviteFailed(Started state, int status) {
    if (status == 491) {
      a.log().info("re-INVITE met 491 (glare): retrying");
      a.armReinviteRetry(GlareRetry.in(state.info().dialog()));
      return a.effects().none();
    }
    if (status == 408 || status == 481) {
      return a.end(state, EndCall.of(EndCause.DIALOG_LOST, status));
    }
    a.log().warn("re-INVITE failed with {}; the call goes on with its previous media", status);
    return a.effects().none();
  }

  private Effect<CallEvent, CallState> afterEnd(Started state, CallCommand command) {
    if (command instanceof SipAnswered ok) {
      SipDialog dialog =
          state.info().dialog().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet());
      a.log().info("late 200 OK after the end: sending BYE");
      a.sip(new SipLegCommand.Bye(a.callId(), dialog.nextLocalCseq(),
          ((Ended) state).cause()));
    }
    return a.effects().none();
  }
}
