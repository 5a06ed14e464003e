package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.Answer;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.ClientCommand;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.Reject;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipInviteReceived;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallEvent.CallAlerting;
import io.rtc2sip.actors.call.CallEvent.CallAnswered;
import io.rtc2sip.actors.call.CallEvent.CallCancelling;
import io.rtc2sip.actors.call.CallEvent.CallParked;
import io.rtc2sip.actors.call.CallEvent.CallReceived;
import io.rtc2sip.actors.call.CallEvent.CallRinging;
import io.rtc2sip.actors.call.CallState.Alerting;
import io.rtc2sip.actors.call.CallState.Cancelling;
import io.rtc2sip.actors.call.CallState.Dialing;
import io.rtc2sip.actors.call.CallState.Parked;
import io.rtc2sip.actors.call.CallState.Ringing;
import io.rtc2sip.actors.call.CallState.Routing;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import java.time.Instant;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The call before it is answered: dialing out, cancelling, routing, parking and alerting. Each
 * method is the handler of rows of {@link CallTransitions}.
 */
final class PendingCallHandlers {

  private final CallActions a;

  PendingCallHandlers(CallActions actions) {
    this.a = actions;
  }

  // ---------------------------------------------------------------- outbound

  ReplyEffect<CallEvent, CallState> dialingProvisional(Dialing state, SipProvisional p) {
    return ringing(state, p);
  }

  /** Ringing already: only early media starting is news. */
  ReplyEffect<CallEvent, CallState> ringingProvisional(Ringing state, SipProvisional p) {
    if (state.earlyMedia() || p.earlyMedia() == null) {
      return a.none();
    }
    return ringing(state, p);
  }

  private ReplyEffect<CallEvent, CallState> ringing(Started state, SipProvisional p) {
    CallInfo info = state.info();
    boolean early = p.earlyMedia() != null;
    return a.effects()
        .persist(new CallRinging(p.status(), p.remoteTag(), p.earlyMedia(), a.now()))
        .thenRun(
            next -> {
              a.client(new ClientNotification.Ringing(info.uid(), a.callId(), early));
              if (early) {
                a.media(new MediaCommand.Start(a.callId(), info.rtc(), p.earlyMedia()));
              }
            }).thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> answered(Started state, SipAnswered ok) {
    CallInfo info = state.info();
    SipDialog dialog = answeredDialog(info, ok);
    long persisting = System.nanoTime();
    return a.effects()
        .persist(new CallAnswered(dialog, ok.media(), a.now(), false))
        .thenRun(
            next -> {
              a.counted(info.direction(), CallAnswered.class, persisting);
              a.log().info("answered with {}", ok.media().codec());
              a.armTimer(next);
              a.client(new ClientNotification.Answered(info.uid(), a.callId()));
              a.media(new MediaCommand.Start(a.callId(), info.rtc(), ok.media()));
            }).thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> failed(Started state, SipFailed f) {
    return a.end(state, EndCall.of(EndCause.fromSipStatus(f.status()), f.status()));
  }

  /** Hangup or Cancel by the RTC user before answer. */
  ReplyEffect<CallEvent, CallState> cancelledByUser(Started state, ClientCommand command) {
    return cancel(state, EndCause.CANCELLED, command);
  }

  ReplyEffect<CallEvent, CallState> notAnswered(Started state) {
    return cancel(state, EndCause.NO_ANSWER, null);
  }

  ReplyEffect<CallEvent, CallState> callerLeft(Started state) {
    return cancel(state, EndCause.RTC_PEER_LEFT, null);
  }

  ReplyEffect<CallEvent, CallState> callerMediaFailed(Started state, RtcMediaFailed failed) {
    a.log().info("WebRTC leg failed: {}", failed.reason());
    return cancel(state, EndCause.RTC_MEDIA_FAILED, null);
  }

  private ReplyEffect<CallEvent, CallState> cancel(
      Started state, EndCause cause, ClientCommand replyTo) {
    CallInfo info = state.info();
    Instant now = a.now();
    var cancelling = a.effects()
        .persist(new CallCancelling(cause, now.plus(a.settings().cancelTimeout()), now))
        .thenRun(
            next -> {
              a.log().info("cancelling: {}", cause);
              a.sip(new SipLegCommand.Cancel(a.callId(), info.dialog(), cause));
              a.armTimer(next);
            });
    return replyTo == null
        ? cancelling.thenNoReply()
        : cancelling.thenReply(replyTo.replyTo(), next -> a.acceptance());
  }

  // ---------------------------------------------------------------- cancelling

  ReplyEffect<CallEvent, CallState> cancelledWith(Cancelling state, SipFailed f) {
    return a.end(state, EndCall.of(state.cause(), f.status()));
  }

  /** A 200 OK crossed our CANCEL: the call ends with a BYE. */
  ReplyEffect<CallEvent, CallState> answeredWhileCancelling(Cancelling state, SipAnswered ok) {
    SipDialog dialog = answeredDialog(state.info(), ok);
    return a.end(state, EndCall.of(state.cause(), 200).sending(
        () -> a.sip(new SipLegCommand.Bye(a.callId(), dialog.nextLocalCseq(), state.cause()))));
  }

  ReplyEffect<CallEvent, CallState> cancelTimedOut(Cancelling state) {
    return a.end(state, EndCall.of(state.cause(), 408));
  }

  ReplyEffect<CallEvent, CallState> alreadyCancelling(ClientCommand command) {
    return a.accept(command);
  }

  private static SipDialog answeredDialog(CallInfo info, SipAnswered ok) {
    return info.dialog().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet())
        .withSessionRefresh(ok.sessionRefreshSeconds())
        .withLocalCseqAtLeast(ok.inviteCseq());
  }

  // ---------------------------------------------------------------- inbound

  ReplyEffect<CallEvent, CallState> inviteReceived(SipInviteReceived invite) {
    String callId = a.callId();
    RtcLeg rtc = new RtcLeg(CallIds.rtcChannelFor(callId), invite.calleeUid());
    Instant now = a.now();
    CallReceived event =
        new CallReceived(
            callId,
            invite.caller(),
            Party.rtc(invite.calleeUid()),
            rtc,
            invite.dialog(),
            invite.offer(),
            now.plus(a.settings().noAnswerTimeout()),
            now);
    long persisting = System.nanoTime();
    return a.effects()
        .persist(event)
        .thenRun(
            next -> {
              a.counted(CallDirection.INBOUND, null, persisting);
              a.log().info("incoming call from {} to {}", invite.caller().address(),
                  invite.calleeUid());
              a.media(new MediaCommand.Prepare(callId, rtc, CallDirection.INBOUND));
              a.askRoute(((Started) next).info());
              a.armTimer(next);
            }).thenNoReply();
  }

  /** The callee is online: the caller hears ringing, the callee's app rings. */
  ReplyEffect<CallEvent, CallState> routed(Routing state, CalleeOnline online) {
    return alert(state, online, true);
  }

  /** The parked call's callee logged in (the caller hears ringing already). */
  ReplyEffect<CallEvent, CallState> unparked(Parked state, CalleeOnline online) {
    return alert(state, online, false);
  }

  private ReplyEffect<CallEvent, CallState> alert(
      Started state, CalleeOnline online, boolean ring) {
    CallInfo info = state.info();
    Instant now = a.now();
    return a.effects()
        .persist(new CallAlerting(online.node(), online.connectionId(),
            now.plus(a.settings().noAnswerTimeout()), now))
        .thenRun(
            next -> {
              a.log().info("alerting {} on {}", online.uid(), online.node());
              a.cancelPushRetry();
              if (ring) {
                boolean ringback = a.settings().ringbackToSip();
                a.sip(new SipLegCommand.Ring(a.callId(), info.dialog(), ringback));
                if (ringback) {
                  a.media(new MediaCommand.Ringback(a.callId(), info.media()));
                }
              }
              a.client(new ClientNotification.IncomingCall(
                  info.uid(), a.callId(), info.caller(), info.rtc().channel(), a.rtcAddress()));
              a.armTimer(next);
            }).thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> parked(Routing state) {
    CallInfo info = state.info();
    Instant now = a.now();
    Instant deadline = now.plus(a.settings().parkTimeout());
    boolean push = a.pushes();
    return a.effects()
        .persist(new CallParked(deadline, now, push))
        .thenRun(
            next -> {
              if (push) {
                a.log().info("callee {} offline: parked until {}, pushing", info.uid(),
                    deadline);
              } else {
                a.log().info("callee {} offline: parked until {}; no push (rtc2sip.push.url is"
                    + " empty): the call waits for the callee to log in", info.uid(), deadline);
              }
              boolean ringback = a.settings().parkedRingback();
              a.sip(new SipLegCommand.Ring(a.callId(), info.dialog(), ringback));
              if (ringback) {
                a.media(new MediaCommand.Ringback(a.callId(), info.media()));
              }
              a.client(new ClientNotification.OfflineCallNotice(
                  info.uid(), a.callId(), info.caller(), deadline));
              a.armTimer(next);
              if (push) {
                a.push(info, deadline, 1);
              }
            }).thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> calleeUnknown(Routing state) {
    return rejectInbound(state, EndCause.NOT_FOUND, false, null);
  }

  /** No route in time: the callee's app never heard of the call. */
  ReplyEffect<CallEvent, CallState> notRouted(Routing state) {
    return rejectInbound(state, EndCause.NO_ANSWER, false, null);
  }

  ReplyEffect<CallEvent, CallState> notAnsweredByCallee(Alerting state) {
    return rejectInbound(state, EndCause.NO_ANSWER, true, null);
  }

  ReplyEffect<CallEvent, CallState> parkTimedOut(Parked state) {
    a.parkedCounted("timed-out");
    return rejectInbound(state, EndCause.CALLEE_OFFLINE, true, null);
  }

  /** The caller cancelled; the callee's client knows of the call once it is parked or rings. */
  ReplyEffect<CallEvent, CallState> callerCancelled(Started state) {
    if (state instanceof Parked || state instanceof Alerting al && al.released()) {
      a.parkedCounted("cancelled");
    }
    boolean userKnows = !(state instanceof Routing);
    return a.end(state, EndCall.of(EndCause.CANCELLED, 487).tellingClient(userKnows));
  }

  ReplyEffect<CallEvent, CallState> answer(Alerting state, Answer answer) {
    CallInfo info = state.info();
    String callId = a.callId();
    long persisting = System.nanoTime();
    var answered = a.effects()
        .persist(new CallAnswered(info.dialog(), info.media(), a.now(),
            answer.rtcOffer() != null))
        .thenRun(
            next -> {
              a.counted(info.direction(), CallAnswered.class, persisting);
              if (state.released()) {
                a.parkedCounted("answered");
              }
              a.log().info("answered by {}{}", info.uid(),
                  answer.rtcOffer() == null ? "" : " (WebRTC)");
              a.armTimer(next);
              MediaCommand.BrowserOffer browser = answer.rtcOffer() == null ? null
                  : new MediaCommand.BrowserOffer(answer.rtcOffer(), answer.replyTo());
              a.sip(new SipLegCommand.Accept(callId, info.dialog(), info.media()));
              a.media(new MediaCommand.Start(callId, ((Started) next).info().rtc(),
                  info.media(), browser));
              a.client(new ClientNotification.Answered(info.uid(), callId));
            });
    // a browser's answer is answered by the media, with its SDP
    return answer.rtcOffer() == null
        ? answered.thenReply(answer.replyTo(), next -> a.acceptance())
        : answered.thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> reject(Alerting state, Reject reject) {
    EndCause cause = reject.busy() ? EndCause.BUSY : EndCause.DECLINED;
    return rejectInbound(state, cause, true, reject);
  }

  ReplyEffect<CallEvent, CallState> decline(Alerting state, Hangup hangup) {
    return rejectInbound(state, EndCause.DECLINED, true, hangup);
  }

  private ReplyEffect<CallEvent, CallState> rejectInbound(
      Started state, EndCause cause, boolean tellClient, ClientCommand replyTo) {
    CallInfo info = state.info();
    int status = cause.sipStatus(CallDirection.INBOUND);
    return a.end(state, EndCall.of(cause, status).tellingClient(tellClient).answering(replyTo)
        .sending(() -> a.sip(new SipLegCommand.Reject(a.callId(), info.dialog(), status, cause))));
  }
}
