package io.rtc2sip.actors.call;

import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What one row of {@link CallTransitions} does: the effect of command {@code C} in state {@code
 * S}, decided by the handlers {@code h} of the running entity. The entity finds the row of its
 * state and the command and runs its handler; there is no other dispatch.
 */
@FunctionalInterface
interface CallHandler<S extends CallState, C extends CallCommand> {

  ReplyEffect<CallEvent, CallState> handle(CallHandlers h, S state, C command);
}
