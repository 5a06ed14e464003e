package io.rtc2sip.actors;

import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Logging context for actors whose every log line must name what it is about. */
public final class Mdc {

  private Mdc() {}

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
