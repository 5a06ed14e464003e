package io.rtc2sip.actors.user;

import io.rtc2sip.actors.user.UserEvent.CallAdmitted;
import io.rtc2sip.actors.user.UserEvent.CallJoined;
import io.rtc2sip.actors.user.UserEvent.CallLeft;
import io.rtc2sip.actors.user.UserEvent.CallParked;
import io.rtc2sip.actors.user.UserEvent.LoggedIn;
import io.rtc2sip.actors.user.UserEvent.LoggedOut;
import io.rtc2sip.actors.user.UserEvent.PartyAdmitted;
import io.rtc2sip.actors.user.UserEvent.SipRegistrationChanged;
import io.rtc2sip.actors.user.UserState.Offline;
import io.rtc2sip.actors.user.UserState.Online;
import io.rtc2sip.actors.user.UserState.PlacedCalls;
import java.util.List;

/** How events change a user's state: pure, used when persisting and when recovering. */
final class UserEventHandler {

  private UserEventHandler() {}

  static UserState apply(UserState state, UserEvent event) {
    Offline off =
        state instanceof Offline o ? o : new Offline(false, List.of(), List.of(), event.at());
    PlacedCalls placed = state.placedCalls();
    if (event instanceof LoggedIn e) {
      boolean sip = state instanceof Online on ? on.sipRegistered() : off.sipRegistered();
      List<String> calls = state instanceof Online on ? on.calls() : off.calls();
      return new Online(e.node(), e.connectionId(), sip,
          UserState.union(calls, e.releasedCalls()), e.at(), placed);
    }
    if (event instanceof LoggedOut e) {
      if (state instanceof Online on) {
        return new Offline(on.sipRegistered(), on.calls(), List.of(), e.at(), placed);
      }
      return off;
    }
    if (event instanceof SipRegistrationChanged e) {
      if (state instanceof Online on) {
        return new Online(on.node(), on.connectionId(), e.wanted(), on.calls(), on.since(),
            placed);
      }
      return new Offline(e.wanted(), off.calls(), off.parked(), off.since(), placed);
    }
    if (event instanceof CallJoined e) {
      return withCalls(state, off, UserState.plus(calls(state, off), e.callId()), off.parked(),
          placed);
    }
    if (event instanceof CallAdmitted e) {
      return withCalls(state, off, UserState.plus(calls(state, off), e.callId()), off.parked(),
          placed.admitted(e.callId(), e.at()));
    }
    if (event instanceof PartyAdmitted e) {
      return withCalls(state, off, calls(state, off), off.parked(), placed.started(e.at()));
    }
    if (event instanceof CallParked e) {
      return new Offline(off.sipRegistered(), off.calls(), UserState.plus(off.parked(), e.callId()),
          off.since(), placed);
    }
    if (event instanceof CallLeft e) {
      return withCalls(state, off, UserState.minus(calls(state, off), e.callId()),
          UserState.minus(off.parked(), e.callId()), placed.left(e.callId()));
    }
    throw new IllegalStateException("unknown user event " + event.getClass().getName());
  }

  private static List<String> calls(UserState state, Offline off) {
    return state instanceof Online on ? on.calls() : off.calls();
  }

  private static UserState withCalls(UserState state, Offline off, List<String> calls,
      List<String> parked, PlacedCalls placed) {
    if (state instanceof Online on) {
      return new Online(on.node(), on.connectionId(), on.sipRegistered(), calls, on.since(),
          placed);
    }
    return new Offline(off.sipRegistered(), calls, parked, off.since(), placed);
  }
}
