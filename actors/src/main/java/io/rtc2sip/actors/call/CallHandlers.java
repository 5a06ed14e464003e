package io.rtc2sip.actors.call;

import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The handlers of one running call, which the rows of {@link CallTransitions} call: placing a
 * call, the call before answer, the answered call, transfers, a parked call's push and
 * conferences, over the actions they share. Nothing here is persisted.
 */
record CallHandlers(
    CallActions actions,
    Placement placement,
    PendingCallHandlers pending,
    EstablishedCallHandlers established,
    TransferHandlers transfers,
    PushHandlers pushes,
    ConferenceHandlers conferences) {

  /** The handlers of the call whose actions are {@code actions}. */
  static CallHandlers of(CallActions actions) {
    return new CallHandlers(actions, new Placement(actions), new PendingCallHandlers(actions),
        new EstablishedCallHandlers(actions), new TransferHandlers(actions),
        new PushHandlers(actions), new ConferenceHandlers(actions));
  }

  /** A row whose command changes nothing in its state. */
  ReplyEffect<CallEvent, CallState> ignore() {
    return actions.none();
  }
}
