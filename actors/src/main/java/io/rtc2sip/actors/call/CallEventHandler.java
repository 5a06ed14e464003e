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
import io.rtc2sip.actors.call.CallEvent.PushAttempted;
import io.rtc2sip.actors.call.CallEvent.PushDelivered;
import io.rtc2sip.actors.call.CallEvent.PushFailed;
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
import io.rtc2sip.actors.call.CallEvent.CallReferRefused;
import io.rtc2sip.actors.call.CallEvent.DtmfSentByInfo;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.SipDialog;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import io.rtc2sip.actors.model.OnHold;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.call.CallEvent.PartyInvited;
import io.rtc2sip.actors.call.CallEvent.PartyJoined;
import io.rtc2sip.actors.call.CallEvent.PartyLeft;
import io.rtc2sip.actors.call.CallEvent.PartyReoffered;
import io.rtc2sip.actors.call.CallState.Conferencing;
import java.util.ArrayList;
import java.util.List;

/**
 * How events change a call's state: a pure function, used when the entity persists, when it
 * recovers and when a call is replayed. It is organised per state like the transition table; an
 * event that cannot follow the state is a bug (the handlers only persist what the table allows),
 * so it throws. It accepts each event in every state earlier versions persisted it in, so that
 * their journals still recover.
 */
final class CallEventHandler {

  /** The handler, built once. */
  static final EventHandler<CallState, CallEvent> HANDLER = build();

  private CallEventHandler() {}

  static CallState apply(CallState state, CallEvent event) {
    return HANDLER.apply(state, event);
  }

  private static EventHandler<CallState, CallEvent> build() {
    EventHandlerBuilder<CallState, CallEvent> b = EventHandlerBuilder.builder();
    b.forState(s -> s == Idle.INSTANCE)
        .onEvent(CallDialed.class, e -> new Dialing(new CallInfo(
            e.callId(), CallDirection.OUTBOUND, e.caller(), e.callee(), e.rtc(), e.dialog(),
            null, e.at(), null, e.at(), 1), e.deadline()))
        .onEvent(CallReceived.class, e -> new Routing(new CallInfo(
            e.callId(), CallDirection.INBOUND, e.caller(), e.callee(), e.rtc(), e.dialog(),
            e.offer(), e.at(), null, e.at(), 0), e.deadline()));
    // ------------------------------------------------------------ outbound before answer
    b.forStateType(Dialing.class)
        .onEvent(CallRinging.class, (d, e) -> new Ringing(
            ringing(d, e).withMedia(e.earlyMedia()).since(e.at()), e.earlyMedia() != null,
            d.deadline()))
        .onEvent(CallCancelling.class, CallEventHandler::cancelling)
        .onEvent(CallAnswered.class, CallEventHandler::answered);
    b.forStateType(Ringing.class)
        .onEvent(CallRinging.class, (r, e) -> new Ringing(
            e.earlyMedia() != null ? ringing(r, e).withMedia(e.earlyMedia()) : ringing(r, e),
            r.earlyMedia() || e.earlyMedia() != null, r.deadline()))
        .onEvent(CallCancelling.class, CallEventHandler::cancelling)
        .onEvent(CallAnswered.class, CallEventHandler::answered);
    // ------------------------------------------------------------ inbound before answer
    b.forStateType(Routing.class)
        .onEvent(CallAlerting.class, CallEventHandler::alerting)
        .onEvent(CallParked.class, (r, e) -> new Parked(r.info().since(e.at()), e.deadline(),
            e.push() ? PushProgress.FIRST : PushProgress.NONE));
    b.forStateType(Parked.class)
        .onEvent(CallAlerting.class, CallEventHandler::alerting)
        .onEvent(PushAttempted.class, (p, e) -> new Parked(p.info(), p.deadline(),
            p.push().attempted(e.attempt(), e.retryAt())))
        .onEvent(PushDelivered.class, (p, e) -> new Parked(p.info(), p.deadline(),
            p.push().delivered(e.attempts())))
        .onEvent(PushFailed.class, (p, e) -> new Parked(p.info(), p.deadline(),
            p.push().failed(e.attempts())));
    b.forStateType(Alerting.class)
        .onEvent(CallAnswered.class, CallEventHandler::answered)
        // the outcome of an attempt under way when the callee logged in
        .onEvent(PushAttempted.class, (al, e) -> al)
        .onEvent(PushDelivered.class, (al, e) -> al);
    // ------------------------------------------------------------ answered
    b.forStateType(Active.class)
        .onEvent(CallHeld.class, (a, e) -> new Held(
            a.info().withDialog(e.dialog()).since(e.at()), OnHold.NONE.with(e.by())))
        .onEvent(SessionReoffered.class, (a, e) -> new Active(a.info().withDialog(e.dialog())))
        .onEvent(DtmfSentByInfo.class, (a, e) -> new Active(a.info().withDialog(e.dialog())))
        .onEvent(CallReferRefused.class, (a, e) -> new Active(a.info().withDialog(e.dialog())))
        .onEvent(CallTransferRequested.class, CallEventHandler::transferring)
        .onEvent(CallReferred.class, CallEventHandler::referred)
        .onEvent(PartyInvited.class, (a, e) -> new Conferencing(
            a.info().withSipLegs(e.party()).since(e.at()), ownParty(a.info()),
            List.of(new ConferenceParty(e.party(), e.target(), e.dialog(), null))))
        .onEvent(CallEvent.CallDialogReplaced.class, CallEventHandler::replaced);
    b.forStateType(Held.class)
        .onEvent(CallHeld.class, (h, e) -> new Held(
            h.info().withDialog(e.dialog()), h.hold().with(e.by())))
        .onEvent(CallResumed.class, (h, e) -> {
          CallInfo next = h.info().withDialog(e.dialog());
          OnHold hold = h.hold().without(e.by());
          return hold != OnHold.NONE ? new Held(next, hold) : new Active(next.since(e.at()));
        })
        .onEvent(SessionReoffered.class, (h, e) -> sameHold(h, e.dialog()))
        .onEvent(DtmfSentByInfo.class, (h, e) -> sameHold(h, e.dialog()))
        .onEvent(CallReferRefused.class, (h, e) -> sameHold(h, e.dialog()))
        .onEvent(CallTransferRequested.class, CallEventHandler::transferring)
        .onEvent(CallReferred.class, CallEventHandler::referred)
        .onEvent(CallEvent.CallDialogReplaced.class, CallEventHandler::replaced);
    // ------------------------------------------------------------ transfers
    b.forStateType(Transferring.class)
        .onEvent(SessionReoffered.class, (t, e) -> sameTransfer(t, e.dialog()))
        .onEvent(DtmfSentByInfo.class, (t, e) -> sameTransfer(t, e.dialog()))
        .onEvent(CallTransferFailed.class, (t, e) -> resume(t.info().since(e.at()), t.hold()));
    b.forStateType(Referred.class)
        // the transferee told the transferor with a final NOTIFY in the old dialog
        .onEvent(CallTransferFailed.class, (r, e) -> resume(
            r.info().withDialog(r.info().dialog().nextLocalCseq()).since(e.at()), r.hold()))
        .onEvent(CallTransferorLeft.class, (r, e) -> new Referred(
            r.info(), r.target(), r.newLeg(), true, r.hold()))
        .onEvent(CallTransferCompleted.class, (r, e) -> new Active(
            r.info().transferredTo(e.party(), e.dialog(), e.media()).since(e.at())));
    // ------------------------------------------------------------ conferences
    b.forStateType(Conferencing.class)
        .onEvent(PartyInvited.class, (c, e) -> {
          List<ConferenceParty> parties = new ArrayList<>(c.parties());
          parties.add(new ConferenceParty(e.party(), e.target(), e.dialog(), null));
          return new Conferencing(c.info().withSipLegs(e.party()), c.ownParty(), parties);
        })
        .onEvent(PartyJoined.class, (c, e) -> new Conferencing(c.info(), c.ownParty(),
            c.parties().stream().map(p -> p.id() == e.party() ? p.joined(e.dialog(), e.media()) : p)
                .toList()))
        .onEvent(PartyReoffered.class, (c, e) -> new Conferencing(c.info(), c.ownParty(),
            c.parties().stream().map(p -> p.id() == e.party() ? p.withDialog(e.dialog()) : p)
                .toList()))
        .onEvent(SessionReoffered.class, (c, e) -> new Conferencing(
            c.info().withDialog(e.dialog()), c.ownParty(), c.parties()))
        .onEvent(PartyLeft.class, CallEventHandler::partyLeft);
    // ------------------------------------------------------------ the end, from any state
    b.forState(s -> s instanceof Started && !(s instanceof Ended))
        .onEvent(CallEnded.class, (s, e) -> new Ended(
            ((Started) s).info().since(e.at()), e.cause(), e.sipStatus(), e.reason()));
    b.forAnyState().onAnyEvent((s, e) -> {
      throw new IllegalStateException("event " + e.getClass().getSimpleName()
          + " cannot follow state " + s.stateName());
    });
    return b.build();
  }

  private static CallInfo ringing(Started state, CallRinging e) {
    return state.info().withDialog(state.info().dialog().established(e.remoteTag(), null, null));
  }

  private static CallState cancelling(Started state, CallCancelling e) {
    return new Cancelling(state.info().since(e.at()), e.cause(), e.deadline());
  }

  private static CallState answered(Started state, CallAnswered e) {
    CallInfo info = state.info();
    CallInfo answered = info.answered(e.dialog(), e.media(), e.at());
    return new Active(e.browserAnswered() ? answered.withRtc(info.rtc().asBrowser()) : answered);
  }

  private static CallState alerting(Started state, CallAlerting e) {
    return new Alerting(state.info().since(e.at()), e.node(), e.connectionId(), e.deadline(),
        state instanceof Parked);
  }

  /** Active or Held: the RTC user transfers the peer, who holds stays as it is. */
  private static CallState transferring(Started state, CallTransferRequested e) {
    return new Transferring(state.info().withDialog(e.dialog()).since(e.at()), e.target(),
        state.hold());
  }

  /** Active or Held: the peer refers us to a target, invited in a new leg. */
  private static CallState referred(Started state, CallReferred e) {
    CallInfo info = state.info();
    CallInfo next = info.withDialog(e.dialog()).withSipLegs(info.sipLegs() + 1).since(e.at());
    return new Referred(next, e.target(), e.newLeg(), false, state.hold());
  }

  /** The number of the call's own SIP dialog: the leg that names its Call-ID, 0 for the PBX's. */
  private static int ownParty(CallInfo info) {
    for (int leg = 1; leg <= info.sipLegs(); leg++) {
      if (CallIds.sipCallIdFor(info.callId(), leg).equals(info.dialog().callId())) {
        return leg;
      }
    }
    return 0;
  }

  /**
   * A party left; when it was the call's own SIP party, the first that joined takes its place as
   * the call's dialog and media; without added parties the call is an ordinary one again.
   */
  private static CallState partyLeft(Conferencing c, PartyLeft e) {
    CallInfo info = c.info();
    int own = c.ownParty();
    List<ConferenceParty> parties = new ArrayList<>(c.parties());
    if (e.party() == own) {
      ConferenceParty next = parties.stream().filter(ConferenceParty::joined).findFirst()
          .orElseThrow(() -> new IllegalStateException("the own party left with nobody joined"));
      parties.remove(next);
      info = info.transferredTo(Party.sip(next.target()), next.dialog(), next.media());
      own = next.id();
    } else {
      parties.removeIf(p -> p.id() == e.party());
    }
    return parties.isEmpty()
        ? new Active(info.since(e.at())) : new Conferencing(info, own, parties);
  }

  /**
   * Active or Held: a new party took the call over with an INVITE with Replaces; our answer to
   * it was sendrecv, so the call is active with it.
   */
  private static CallState replaced(Started state, CallEvent.CallDialogReplaced e) {
    return new Active(state.info().transferredTo(e.party(), e.dialog(), e.media()).since(e.at()));
  }

  private static CallState sameHold(Held state, SipDialog dialog) {
    return new Held(state.info().withDialog(dialog), state.hold());
  }

  private static CallState sameTransfer(Transferring state, SipDialog dialog) {
    return new Transferring(state.info().withDialog(dialog), state.target(), state.hold());
  }

  private static CallState resume(CallInfo info, OnHold hold) {
    return hold != OnHold.NONE ? new Held(info, hold) : new Active(info);
  }
}
