package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.ClientCommand;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.Hold;
import io.rtc2sip.actors.call.CallCommand.MediaDtmfReceived;
import io.rtc2sip.actors.call.CallCommand.Reoffer;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
import io.rtc2sip.actors.call.CallCommand.SendDtmf;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipReinviteFailed;
import io.rtc2sip.actors.call.CallCommand.SipRemoteHold;
import io.rtc2sip.actors.call.CallCommand.SipRemoteResume;
import io.rtc2sip.actors.call.CallCommand.Unhold;
import io.rtc2sip.actors.call.CallEvent.CallHeld;
import io.rtc2sip.actors.call.CallEvent.CallResumed;
import io.rtc2sip.actors.call.CallEvent.SessionReoffered;
import io.rtc2sip.actors.call.CallState.Active;
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
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The answered call: hold, DTMF, hangup, media facts, re-INVITE mechanics and re-anchoring. Each
 * method is the handler of rows of {@link CallTransitions}.
 */
final class EstablishedCallHandlers {

  private static final Pattern DTMF_DIGITS = Pattern.compile("[0-9*#A-D]{1,32}");

  private final CallActions a;

  EstablishedCallHandlers(CallActions actions) {
    this.a = actions;
  }

  // ---------------------------------------------------------------- hold

  ReplyEffect<CallEvent, CallState> hold(Started state, Hold hold) {
    if (state.hold().local()) {
      return a.reject(hold, "the call is already on hold");
    }
    return reoffer(state, hold, HoldSide.RTC, true);
  }

  ReplyEffect<CallEvent, CallState> unhold(Held state, Unhold unhold) {
    if (!state.hold().local()) {
      return a.reject(unhold, "the call is not on hold by you");
    }
    return reoffer(state, unhold, HoldSide.RTC, false);
  }

  /** The peer holds (nothing when it holds already). */
  ReplyEffect<CallEvent, CallState> remoteHold(Started state, SipRemoteHold hold) {
    if (state.hold().remote()) {
      return a.none();
    }
    return remote(state, hold.cseq(), true);
  }

  /** The peer resumes (nothing unless it holds). */
  ReplyEffect<CallEvent, CallState> remoteResume(Started state, SipRemoteResume resume) {
    if (!state.hold().remote()) {
      return a.none();
    }
    return remote(state, resume.cseq(), false);
  }

  private ReplyEffect<CallEvent, CallState> reoffer(
      Started state, ClientCommand replyTo, HoldSide by, boolean hold) {
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
              a.sip(new SipLegCommand.Reinvite(a.callId(), dialog, direction, info.media()));
              a.media(new MediaCommand.SetDirection(a.callId(), direction));
              a.client(hold
                  ? new ClientNotification.Held(info.uid(), a.callId(), by)
                  : new ClientNotification.Resumed(info.uid(), a.callId(), by));
            })
            .thenReply(replyTo.replyTo(), next -> a.acceptance());
  }

  private ReplyEffect<CallEvent, CallState> remote(Started state, long cseq, boolean hold) {
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
            }).thenNoReply();
  }

  // ---------------------------------------------------------------- DTMF and media facts

  ReplyEffect<CallEvent, CallState> sendDtmf(Started state, SendDtmf dtmf) {
    CallInfo info = state.info();
    String digits = dtmf.digits().toUpperCase(Locale.ROOT);
    if (!DTMF_DIGITS.matcher(digits).matches()) {
      return a.reject(dtmf, "DTMF digits must be 1 to 32 of 0-9 * # A-D: " + dtmf.digits());
    }
    if (a.settings().dtmfByInfo() && !(state instanceof CallState.Conferencing)) {
      SipDialog first = info.dialog().nextLocalCseq();
      SipDialog last = first.nextLocalCseq(digits.length() - 1);
      return a.effects()
          .persist(new CallEvent.DtmfSentByInfo(digits, last, a.now()))
          .thenRun(next -> {
            a.log().info("DTMF {} by SIP INFO", digits);
            a.sip(new SipLegCommand.Info(a.callId(), first, digits, CallActions.DTMF_DURATION_MS));
          })
          .thenReply(dtmf.replyTo(), next -> a.acceptance());
    }
    a.media(new MediaCommand.SendDtmf(a.callId(), digits, CallActions.DTMF_DURATION_MS));
    return a.accept(dtmf);
  }

  ReplyEffect<CallEvent, CallState> dtmfReceived(Started state, MediaDtmfReceived dtmf) {
    a.client(new ClientNotification.DtmfReceived(state.info().uid(), a.callId(), dtmf.digit()));
    return a.none();
  }

  ReplyEffect<CallEvent, CallState> mediaStarted() {
    a.log().info("media flowing");
    return a.none();
  }

  /** No RTP while media should flow (a held call expects none: no row for it). */
  ReplyEffect<CallEvent, CallState> mediaTimedOut(Active state) {
    return hangUp(state, EndCause.MEDIA_TIMEOUT, 200, null);
  }

  // ---------------------------------------------------------------- the end

  ReplyEffect<CallEvent, CallState> hangup(Started state, Hangup hangup) {
    return hangUp(state, EndCause.LOCAL_HANGUP, 200, hangup);
  }

  ReplyEffect<CallEvent, CallState> rtcPeerLeft(Started state) {
    return hangUp(state, EndCause.RTC_PEER_LEFT, 200, null);
  }

  ReplyEffect<CallEvent, CallState> rtcMediaFailed(Started state, RtcMediaFailed failed) {
    a.log().info("WebRTC leg failed: {}", failed.reason());
    return hangUp(state, EndCause.RTC_MEDIA_FAILED, 200, null);
  }

  /** RFC 3261 13.3.1.4: no ACK for our 2xx within 64*T1. */
  ReplyEffect<CallEvent, CallState> ackTimedOut(Started state) {
    a.log().warn("no ACK for our 2xx: ending the call with a BYE");
    return hangUp(state, EndCause.DIALOG_LOST, 408, null);
  }

  ReplyEffect<CallEvent, CallState> byeReceived(Started state, SipByeReceived bye) {
    if (!bye.sipCallId().equals(state.info().dialog().callId())) {
      a.log().info("BYE of an earlier dialog {} ignored", bye.sipCallId());
      return a.none();
    }
    return a.end(state, EndCall.of(EndCause.REMOTE_HANGUP, 200));
  }

  /** Hangs up an established call: BYE with the cause (and CANCEL of a transfer leg). */
  private ReplyEffect<CallEvent, CallState> hangUp(
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

  /** A late 200 OK after the end: the dialog it set up is closed with a BYE. */
  ReplyEffect<CallEvent, CallState> lateAnswer(Ended state, SipAnswered ok) {
    SipDialog dialog =
        state.info().dialog().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet());
    a.log().info("late 200 OK after the end: sending BYE");
    a.sip(new SipLegCommand.Bye(a.callId(), dialog.nextLocalCseq(), state.cause()));
    return a.none();
  }

  // ---------------------------------------------------------------- re-INVITE mechanics

  /** A browser's new offer: the media of this node answers it, with its SDP as the reply. */
  ReplyEffect<CallEvent, CallState> browserReoffer(Started state, Reoffer reoffer) {
    CallInfo info = state.info();
    if (!info.rtc().browser()) {
      return a.reject(reoffer, "the call's RTC leg is not a browser's: nothing to renegotiate");
    }
    a.reofferArrived();
    a.log().info("a new WebRTC offer from the browser: the media answers it on this node");
    a.media(new MediaCommand.BrowserReoffer(a.callId(), info.rtc(),
        new MediaCommand.BrowserOffer(reoffer.rtcOffer(), reoffer.replyTo())));
    return a.none(); // the media replies, with its SDP answer
  }

  /** 491: retry after the RFC 3261 wait; 408/481: the dialog is gone; others: logged. */
  ReplyEffect<CallEvent, CallState> reinviteFailed(Started state, SipReinviteFailed failed) {
    int status = failed.status();
    if (status == 491) {
      a.log().info("re-INVITE met 491 (glare): retrying");
      a.armReinviteRetry(GlareRetry.in(state.info().dialog()));
      return a.none();
    }
    if (status == 408 || status == 481) {
      return a.end(state, EndCall.of(EndCause.DIALOG_LOST, status));
    }
    a.log().warn("re-INVITE failed with {}; the call goes on with its previous media", status);
    return a.none();
  }

  ReplyEffect<CallEvent, CallState> glareRetry(Started state) {
    return reofferSession(state, SessionReoffered.Reason.GLARE_RETRY);
  }

  ReplyEffect<CallEvent, CallState> reanchor(Started state) {
    return reofferSession(state, SessionReoffered.Reason.REANCHOR);
  }

  ReplyEffect<CallEvent, CallState> refreshSession(Started state) {
    return reofferSession(state, SessionReoffered.Reason.SESSION_REFRESH);
  }

  /** Offers the session again in the same dialog (after glare, or re-anchored on this node). */
  private ReplyEffect<CallEvent, CallState> reofferSession(
      Started state, SessionReoffered.Reason reason) {
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
            }).thenNoReply();
  }
}
