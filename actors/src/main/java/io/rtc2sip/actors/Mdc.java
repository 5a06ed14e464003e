package io.rtc2sip.actors;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.MDC;

/** Logging context for actors whose every log line must name what it is about. */
public final class Mdc {

  /** The MDC key the whole gateway uses for the call id. */
  public static final String CALL_ID = "callId";

  private Mdc() {}

  /**
   * Runs {@code body} with {@code callId} in the MDC, then restores what was there before: for
   * threads that are not a call's actor (media clock, sockets, adapters' callbacks).
   */
  public static <T> T withCall(String callId, Supplier<T> body) {
    String previous = MDC.get(CALL_ID);
    MDC.put(CALL_ID, callId);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        MDC.remove(CALL_ID);
      } else {
        MDC.put(CALL_ID, previous);
      }
    }
  }

  /** {@link #withCall(String, Supplier)} for a body without a result. */
  public static void runWithCall(String callId, Runnable body) {
    withCall(callId, () -> {
      body.run();
      return null;
    });
  }

  /**
   * {@code behavior} with {@code mdc} set for every message it handles, including the internal
   * messages of an event-sourced behavior (its effects after a persist run in those), which
   * {@code Behaviors.withMdc(Command.class, ...)} would not cover.
   */
  @SuppressWarnings("unchecked")
  public static <T> Behavior<T> everyMessage(Map<String, String> mdc, Behavior<T> behavior) {
    Behavior<Object> any = (Behavior<Object>) (Behavior<?>) behavior;
    return (Behavior<T>) (Behavior<?>) Behaviors.withMdc(Object.class, mdc, any);
  }
}
