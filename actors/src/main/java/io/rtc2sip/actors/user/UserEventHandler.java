package io.rtc2sip.actors.user;

import io.rtc2sip.actors.user.UserEvent.CallJoined;
import io.rtc2sip.actors.user.UserEvent.CallLeft;
import io.rtc2sip.actors.user.UserEvent.CallParked;
import io.rtc2sip.actors.user.UserEvent.LoggedIn;
import io.rtc2sip.actors.user.UserEvent.LoggedOut;
import io.rtc2sip.actors.user.UserEvent.SipRegistrationChanged;
import io.rtc2sip.actors.user.UserState.Offline;
import io.rtc2sip.actors.user.UserState.Online;
import java.util.List;

/** How events change a user's state: pure, used when persisting and when recovering. */
final class UserEventHandler {

  private UserEventHandler() {}

  static UserState apply(UserState state, UserEvent event) {
    Offline off =
        state instanceof Offline o ? o : new Offline(false, List.of(), List.of(), event.at());
    if (event instanceof LoggedIn e) {
      boolean sip = state instanceof Online on ? on.sipRegistered() : off.sipRegistered();
      List<String> calls = state instanceof Online on ? on.calls() : off.calls();
      return new Online(e.node(), e.connectionId(), sip,
          UserState.union(calls, e.releasedCalls()), e.at());
    }
    if (event instanceof LoggedOut e) {
      if (state instanceof Online on) {
        return new Offline(on.sipRegistered(), on.calls(), List.of(), e.at());
      }
      return off;
    }
    if (event instanceof SipRegistrationChanged e) {
      if (state instanceof Online on) {
        return new Online(on.node(), on.connectionId(), e.wanted(), on.calls(), on.since());
      }
      return new Offline(e.wanted(), off.calls(), off.parked(), off.since());
    }
    if (event instanceof CallJoined e) {
      if (state instanceof Online on) {
        return new Online(on.node(), on.connectionId(), on.sipRegistered(),
            UserState.plus(on.calls(), e.callId()), on.since());
      }
      return new Offline(off.sipRegistered(), UserState.plus(off.calls(), e.callId()),
          off.parked(), off.since());
    }
    if (event instanceof CallParked e) {
      return new Offline(off.sipRegistered(), off.calls(), UserState.plus(off.parked(), e.callId()),
          off.since());
    }
    if (event instanceof CallLeft e) {
      if (state instanceof Online on) {
        return new Online(on.node(), on.connectionId(), on.sipRegistered(),
            UserState.minus(on.calls(), e.callId()), on.since());
      }
      return new Offline(off.sipRegistered(), UserState.minus(off.calls(), e.callId()),
          UserState.minus(off.parked(), e.callId()), off.since());
    }
    throw new IllegalStateException("unknown user event " + event.getClass().getName());
  }
}
