package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallEvent.CallAlerting;
import io.rtc2sip.actors.call.CallEvent.CallAnswered;
import io.rtc2sip.actors.call.CallEvent.CallCancelling;
import io.rtc2sip.actors.call.CallEvent.CallDialed;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallHeld;
import io.rtc2sip.actors.call.CallEvent.CallParked;
import io.rtc2sip.actors.call.CallEvent.CallReceived;
import io.rtc2sip.actors.call.CallEvent.CallReferred;
import io.rtc2sip.actors.call.CallEvent.CallResumed;
import io.rtc2sip.actors.call.CallEvent.CallRinging;
import io.rtc2sip.actors.call.CallEvent.CallTransferCompleted;
import io.rtc2sip.actors.call.CallEvent.CallTransferFailed;
import io.rtc2sip.actors.call.CallEvent.CallTransferRequested;
import io.rtc2sip.actors.call.CallEvent.CallTransferorLeft;
import io.rtc2sip.actors.call.CallEvent.SessionReoffered;
import io.rtc2sip.actors.call.CallState.Active;
import io.rtc2sip.actors.call.CallState.Alerting;
import io.rtc2sip.actors.call.CallState.Cancelling;
import io.rtc2sip.actors.call.CallState.Dialing;
import io.rtc2sip.actors.call.CallState.Ended;
import io.rtc2sip.actors.call.CallState.Held;
import io.rtc2sip.actors.call.CallState.Idle;
import io.rtc2sip.actors.call.CallState.Parked;
import io.rtc2sip.actors.call.CallState.Referred;
import io.rtc2sip.actors.call.CallState.Ringing;
import io.rtc2sip.actors.call.CallState.Routing;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.call.CallState.Transferring;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.OnHold;

/**
 * How events change a call's state: a pure function, used when the entity persists and when it
 * recovers. An event that cannot follow the state is a bug (the command handlers only persist
 * what the transition table allows), so it throws.
 */
final class CallEventHandler {

  private CallEventHandler() {}

  static CallState apply(CallState state, CallEvent event) {
    if (event instanceof CallDialed e && state == Idle.INSTANCE) {
      CallInfo info =
          new CallInfo(
              e.callId(), CallDirection.OUTBOUND, e.caller(), e.callee(), e.rtc(), e.dialog(),
              null, e.at(), null, e.at(), 1);
      return new Dialing(info, e.deadline());
    }
    if (event instanceof CallReceived e && state == Idle.INSTANCE) {
      CallInfo info =
          new CallInfo(
              e.callId(), CallDirection.INBOUND, e.caller(), e.callee(), e.rtc(), e.dialog(),
              e.offer(), e.at(), null, e.at(), 0);
      return new Routing(info, e.deadline());
    }
    if (!(state instanceof Started started) || state instanceof Ended) {
      throw unexpected(state, event);
    }
    CallInfo info = started.info();
    if (event instanceof CallRinging e) {
      CallInfo ringing = info.withDialog(info.dialog().established(e.remoteTag(), null, null));
      if (state instanceof Dialing d) {
        return new Ringing(
            ringing.withMedia(e.earlyMedia()).since(e.at()), e.earlyMedia() != null, d.deadline());
      }
      if (state instanceof Ringing r) {
        boolean early = r.earlyMedia() || e.earlyMedia() != null;
        CallInfo withMedia = e.earlyMedia() != null ? ringing.withMedia(e.earlyMedia()) : ringing;
        return new Ringing(withMedia, early, r.deadline());
      }
    }
    if (event instanceof CallAlerting e && (state instanceof Routing || state instanceof Parked)) {
      return new Alerting(info.since(e.at()), e.node(), e.connectionId(), e.deadline());
    }
    if (event instanceof CallParked e && state instanceof Routing) {
      return new Parked(info.since(e.at()), e.deadline());
    }
    if (event instanceof CallCancelling e
        && (state instanceof Dialing || state instanceof Ringing)) {
      return new Cancelling(info.since(e.at()), e.cause(), e.deadline());
    }
    if (event instanceof CallAnswered e
        && (state instanceof Dialing || state instanceof Ringing || state instanceof Alerting)) {
      CallInfo answered = info.answered(e.dialog(), e.media(), e.at());
      return new Active(e.browserAnswered() ? answered.withRtc(info.rtc().asBrowser()) : answered);
    }
    if (event instanceof CallHeld e) {
      CallInfo next = info.withDialog(e.dialog());
      if (state instanceof Active) {
        return new Held(next.since(e.at()), OnHold.NONE.with(e.by()));
      }
      if (state instanceof Held h) {
        return new Held(next, h.hold().with(e.by()));
      }
    }
    if (event instanceof CallResumed e && state instanceof Held h) {
      CallInfo next = info.withDialog(e.dialog());
      OnHold hold = h.hold().without(e.by());
      return hold != OnHold.NONE ? new Held(next, hold) : new Active(next.since(e.at()));
    }
    if (event instanceof SessionReoffered || event instanceof CallEvent.DtmfSentByInfo) {
      CallInfo next = info.withDialog(event instanceof SessionReoffered r ? r.dialog()
          : ((CallEvent.DtmfSentByInfo) event).dialog());
      if (state instanceof Active) {
        return new Active(next);
      }
      if (state instanceof Held h) {
        return new Held(next, h.hold());
      }
      if (state instanceof Transferring t) {
        return new Transferring(next, t.target(), t.hold());
      }
    }
    if (event instanceof CallTransferRequested e) {
      CallInfo next = info.withDialog(e.dialog()).since(e.at());
      if (state instanceof Active) {
        return new Transferring(next, e.target(), OnHold.NONE);
      }
      if (state instanceof Held h) {
        return new Transferring(next, e.target(), h.hold());
      }
    }
    if (event instanceof CallTransferFailed e) {
      if (state instanceof Transferring t) {
        return resume(info.since(e.at()), t.hold());
      }
      if (state instanceof Referred r) {
        // the transferee told the transferor with a final NOTIFY in the old dialog
        CallInfo next = info.withDialog(info.dialog().nextLocalCseq()).since(e.at());
        return resume(next, r.hold());
      }
    }
    if (event instanceof CallReferred e) {
      CallInfo next =
          info.withDialog(e.dialog()).withSipLegs(info.sipLegs() + 1).since(e.at());
      if (state instanceof Active) {
        return new Referred(next, e.target(), e.newLeg(), false, OnHold.NONE);
      }
      if (state instanceof Held h) {
        return new Referred(next, e.target(), e.newLeg(), false, h.hold());
      }
    }
    if (event instanceof CallEvent.CallReferRefused e) {
      CallInfo next = info.withDialog(e.dialog());
      if (state instanceof Active) {
        return new Active(next);
      }
      if (state instanceof Held h) {
        return new Held(next, h.hold());
      }
    }
    if (event instanceof CallTransferorLeft && state instanceof Referred r) {
      return new Referred(
          r.info(), r.target(), r.newLeg(), true, r.hold());
    }
    if (event instanceof CallTransferCompleted e && state instanceof Referred) {
      return new Active(info.transferredTo(e.party(), e.dialog(), e.media()).since(e.at()));
    }
    if (event instanceof CallEnded e) {
      return new Ended(info.since(e.at()), e.cause(), e.sipStatus(), e.reason());
    }
    throw unexpected(state, event);
  }

  private static CallState resume(CallInfo info, OnHold hold) {
    return hold != OnHold.NONE ? new Held(info, hold) : new Active(info);
  }

  private static IllegalStateException unexpected(CallState state, CallEvent event) {
    return new IllegalStateException(
        "event " + event.getClass().getSimpleName() + " cannot follow state " + state.stateName());
  }
}
