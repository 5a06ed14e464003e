package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.Answer;
import io.rtc2sip.actors.call.CallCommand.CalleeOffline;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.CalleeUnknown;
import io.rtc2sip.actors.call.CallCommand.Cancel;
import io.rtc2sip.actors.call.CallCommand.CancelTimeout;
import io.rtc2sip.actors.call.CallCommand.ClientCommand;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.NoAnswerTimeout;
import io.rtc2sip.actors.call.CallCommand.ParkTimeout;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.Reject;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
import io.rtc2sip.actors.call.CallCommand.RtcPeerLeft;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipCancelled;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipInviteReceived;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallEvent.CallAlerting;
import io.rtc2sip.actors.call.CallEvent.CallAnswered;
import io.rtc2sip.actors.call.CallEvent.CallCancelling;
import io.rtc2sip.actors.call.CallEvent.CallDialed;
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
import io.rtc2sip.actors.user.UserCommand;
import java.time.Instant;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/** The call before it is answered: dialing out, cancelling, routing, parking and alerting. */
final class PendingCallHandlers {

  private final CallActions a;

  PendingCallHandlers(CallActions actions) {
    this.a = actions;
  }

  /** The effect for {@code command} in a pre-answer state, or null for other states. */
  Effect<CallEvent, CallState> handle(Started state, CallCommand command) {
    if (state instanceof Dialing || state instanceof Ringing) {
      return outbound(state, command);
    }
    if (state instanceof Cancelling c) {
      return cancelling(c, command);
    }
    if (state instanceof Routing || state instanceof Parked || state instanceof Alerting) {
      return inbound(state, command);
    }
    return null;
  }

  // ---------------------------------------------------------------- outbound

  Effect<CallEvent, CallState> placeCall(PlaceCall place) {
    String callId = a.callId();
    String target = place.target().strip();
    String remoteUri = target.startsWith("sip:") || target.startsWith("sips:")
        ? target
        : "sip:" + target + "@" + a.settings().sipDomain();
    String localUri = "sip:" + place.uid() + "@" + a.settings().sipDomain();
    SipDialog dialog =
        SipDialog.outgoing(
            CallIds.sipCallIdFor(callId), CallIds.localTagFor(callId, 1), localUri, remoteUri);
    Party caller = Party.rtc(place.uid());
    Party callee = Party.sip(remoteUri);
    RtcLeg rtc = place.rtc();
    Instant now = a.now();
    CallDialed event =
        new CallDialed(
            callId, caller, callee, rtc, dialog, now.plus(a.settings().noAnswerTimeout()), now);
    long persisting = System.nanoTime();
    return a.effects()
        .persist(event)
        .thenRun(
            next -> {
              a.counted(CallDirection.OUTBOUND, null, persisting);
              a.log().info("dialing {} for {}{}", remoteUri, place.uid(),
                  place.rtcOffer() == null ? "" : " (WebRTC)");
              MediaCommand.BrowserOffer browser = null;
              if (place.rtcOffer() == null) {
                a.accepted(place);
              } else {
                browser = new MediaCommand.BrowserOffer(place.rtcOffer(), place.replyTo());
              }
              a.user(place.uid(), new UserCommand.CallStarted(callId));
              a.media(new MediaCommand.Prepare(callId, rtc, CallDirection.OUTBOUND, browser));
              a.sip(new SipLegCommand.Invite(callId, dialog, caller, callee));
              a.armTimer(next);
            });
  }

  private Effect<CallEvent, CallState> outbound(Started state, CallCommand command) {
    CallInfo info = state.info();
    String callId = a.callId();
    if (command instanceof SipProvisional p) {
      boolean wasEarly = state instanceof Ringing r && r.earlyMedia();
      boolean early = p.earlyMedia() != null;
      if (state instanceof Ringing && (wasEarly || !early)) {
        return a.effects().none();
      }
      return a.effects()
          .persist(new CallRinging(p.status(), p.remoteTag(), p.earlyMedia(), a.now()))
          .thenRun(
              next -> {
                a.client(new ClientNotification.Ringing(info.uid(), callId, early));
                if (early) {
                  a.media(new MediaCommand.Start(callId, info.rtc(), p.earlyMedia()));
                }
              });
    }
    if (command instanceof SipAnswered ok) {
      SipDialog dialog =
          info.dialog().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet())
              .withSessionRefresh(ok.sessionRefreshSeconds())
              .withLocalCseqAtLeast(ok.inviteCseq());
      long persisting = System.nanoTime();
      return a.effects()
          .persist(new CallAnswered(dialog, ok.media(), a.now(), false))
          .thenRun(
              next -> {
                a.counted(info.direction(), CallAnswered.class, persisting);
                a.log().info("answered with {}", ok.media().codec());
                a.armTimer(next);
                a.client(new ClientNotification.Answered(info.uid(), callId));
                a.media(new MediaCommand.Start(callId, info.rtc(), ok.media()));
              });
    }
    if (command instanceof SipFailed f) {
      EndCause cause = EndCause.fromSipStatus(f.status());
      return a.end(state, EndCall.of(cause, f.status()));
    }
    if (command instanceof Hangup || command instanceof Cancel) {
      return cancel(state, EndCause.CANCELLED, (ClientCommand) command);
    }
    if (command instanceof NoAnswerTimeout) {
      return cancel(state, EndCause.NO_ANSWER, null);
    }
    if (command instanceof RtcPeerLeft) {
      return cancel(state, EndCause.RTC_PEER_LEFT, null);
    }
    if (command instanceof RtcMediaFailed failed) {
      a.log().info("WebRTC leg failed: {}", failed.reason());
      return cancel(state, EndCause.RTC_MEDIA_FAILED, null);
    }
    return a.effects().none();
  }

  private Effect<CallEvent, CallState> cancel(
      Started state, EndCause cause, ClientCommand replyTo) {
    CallInfo info = state.info();
    Instant now = a.now();
    return a.effects()
        .persist(new CallCancelling(cause, now.plus(a.settings().cancelTimeout()), now))
        .thenRun(
            next -> {
              a.log().info("cancelling: {}", cause);
              if (replyTo != null) {
                a.accepted(replyTo);
              }
              a.sip(new SipLegCommand.Cancel(a.callId(), info.dialog(), cause));
              a.armTimer(next);
            });
  }

  private Effect<CallEvent, CallState> cancelling(Cancelling state, CallCommand command) {
    CallInfo info = state.info();
    if (command instanceof SipFailed f) {
      return a.end(state, EndCall.of(state.cause(), f.status()));
    }
    if (command instanceof SipAnswered ok) {
      SipDialog dialog =
          info.dialog().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet())
              .withSessionRefresh(ok.sessionRefreshSeconds())
              .withLocalCseqAtLeast(ok.inviteCseq());
      return a.end(state, EndCall.of(state.cause(), 200).sending(
          () -> a.sip(new SipLegCommand.Bye(a.callId(), dialog.nextLocalCseq(), state.cause()))));
    }
    if (command instanceof CancelTimeout) {
      return a.end(state, EndCall.of(state.cause(), 408));
    }
    if (command instanceof ClientCommand client) {
      return a.accept(client);
    }
    return a.effects().none();
  }

  // ---------------------------------------------------------------- inbound

  Effect<CallEvent, CallState> inviteReceived(SipInviteReceived invite) {
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
            });
  }

  private Effect<CallEvent, CallState> inbound(Started state, CallCommand command) {
    CallInfo info = state.info();
    String callId = a.callId();
    boolean userKnows = state instanceof Alerting || state instanceof Parked;
    if (command instanceof CalleeOnline online) {
      if (state instanceof Alerting) {
        return a.effects().none();
      }
      Instant now = a.now();
      return a.effects()
          .persist(new CallAlerting(online.node(), online.connectionId(),
              now.plus(a.settings().noAnswerTimeout()), now))
          .thenRun(
              next -> {
                a.log().info("alerting {} on {}", online.uid(), online.node());
                if (state instanceof Routing) {
                  a.sip(new SipLegCommand.Ring(callId, info.dialog(), false));
                }
                a.client(new ClientNotification.IncomingCall(
                    info.uid(), callId, info.caller(), info.rtc().channel(), a.rtcAddress()));
                a.armTimer(next);
              });
    }
    if (command instanceof CalleeOffline) {
      Instant now = a.now();
      Instant deadline = now.plus(a.settings().parkTimeout());
      return a.effects()
          .persist(new CallParked(deadline, now))
          .thenRun(
              next -> {
                a.log().info("callee {} offline: parked until {}", info.uid(), deadline);
                a.sip(new SipLegCommand.Ring(callId, info.dialog(), false));
                a.client(new ClientNotification.OfflineCallNotice(
                    info.uid(), callId, info.caller(), deadline));
                a.armTimer(next);
              });
    }
    if (command instanceof CalleeUnknown) {
      return rejectInbound(state, EndCause.NOT_FOUND, false, null);
    }
    if (command instanceof NoAnswerTimeout) {
      return rejectInbound(state, EndCause.NO_ANSWER, userKnows, null);
    }
    if (command instanceof ParkTimeout) {
      return rejectInbound(state, EndCause.CALLEE_OFFLINE, true, null);
    }
    if (command instanceof SipCancelled) {
      return a.end(state, EndCall.of(EndCause.CANCELLED, 487).tellingClient(userKnows));
    }
    if (command instanceof Answer answer) {
      long persisting = System.nanoTime();
      return a.effects()
          .persist(new CallAnswered(info.dialog(), info.media(), a.now(),
              answer.rtcOffer() != null))
          .thenRun(
              next -> {
                a.counted(info.direction(), CallAnswered.class, persisting);
                a.log().info("answered by {}{}", info.uid(),
                    answer.rtcOffer() == null ? "" : " (WebRTC)");
                a.armTimer(next);
                MediaCommand.BrowserOffer browser = null;
                if (answer.rtcOffer() == null) {
                  a.accepted(answer);
                } else {
                  browser = new MediaCommand.BrowserOffer(answer.rtcOffer(), answer.replyTo());
                }
                a.sip(new SipLegCommand.Accept(callId, info.dialog(), info.media()));
                a.media(new MediaCommand.Start(callId, ((Started) next).info().rtc(),
                    info.media(), browser));
                a.client(new ClientNotification.Answered(info.uid(), callId));
              });
    }
    if (command instanceof Reject reject) {
      EndCause cause = reject.busy() ? EndCause.BUSY : EndCause.DECLINED;
      return rejectInbound(state, cause, true, reject);
    }
    if (command instanceof Hangup hangup) {
      return rejectInbound(state, EndCause.DECLINED, true, hangup);
    }
    return a.effects().none();
  }

  private Effect<CallEvent, CallState> rejectInbound(
      Started state, EndCause cause, boolean tellClient, ClientCommand replyTo) {
    CallInfo info = state.info();
    int status = cause.sipStatus(CallDirection.INBOUND);
    return a.end(state, EndCall.of(cause, status).tellingClient(tellClient).answering(replyTo)
        .sending(() -> a.sip(new SipLegCommand.Reject(a.callId(), info.dialog(), status, cause))));
  }
}
