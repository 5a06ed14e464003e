package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.PlacementDecision;
import io.rtc2sip.actors.call.CallCommand.PlacementRefused;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A call being placed, before anything is persisted or sent: the user's dial plan must allow the
 * destination (checked here), then the user's session must admit one more call under its
 * concurrent-call and per-minute limits (it counts the calls of its user across the cluster). A
 * refused call gets a {@link CallReply.Rejected} with the dial plan's code, persists nothing,
 * sends no INVITE and passivates. The placement waiting for the user session lives in memory
 * only: lost with the node, the client's request times out and nothing was made.
 */
final class Placement {

  /** How long a placement waits for the user session's decision. */
  static final Duration ADMISSION_TIMEOUT = Duration.ofSeconds(5);
  static final String UNAVAILABLE = "unavailable";

  private final CallActions a;
  private final PendingCallHandlers pending;
  private PlaceCall waiting;

  Placement(CallActions actions, PendingCallHandlers pending) {
    this.a = actions;
    this.pending = pending;
  }

  /** Whether a placement waits for the user session (the idle entity must not passivate). */
  boolean waiting() {
    return waiting != null;
  }

  Effect<CallEvent, CallState> place(PlaceCall place) {
    if (waiting != null) {
      return a.reject(place, "the call id is already in use");
    }
    String refusal = a.destinationRefusal(place.uid(), place.target());
    if (refusal != null) {
      a.passivate();
      return a.reject(place, DialPlan.FORBIDDEN_DESTINATION, refusal);
    }
    if (!a.limited(place.uid())) {
      // no limits to count against: no round trip to the user session, no extra write
      return pending.placeCall(place);
    }
    waiting = place;
    a.user(place.uid(), new UserCommand.AdmitCall(a.callId(), a.self().narrow()));
    a.armPlacementTimer(new PlacementRefused(place.uid(), UNAVAILABLE,
        "the user session did not answer in time"), ADMISSION_TIMEOUT);
    return a.effects().none();
  }

  Effect<CallEvent, CallState> decided(PlacementDecision decision) {
    PlaceCall place = waiting;
    if (place == null || !place.uid().equals(decision.uid())) {
      a.log().info("{} with no call of {} waiting: ignored",
          decision.getClass().getSimpleName(), decision.uid());
      if (place == null) {
        a.passivate();
      }
      return a.effects().none();
    }
    waiting = null;
    a.cancelPlacementTimer();
    if (decision instanceof PlacementRefused refused) {
      a.passivate();
      return a.reject(place, refused.code(), refused.reason());
    }
    return pending.placeCall(place);
  }
}
