package io.rtc2sip.actors.call;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays a call's events through the entity's own event handler, so a debugging tool shows
 * exactly the states the entity recovers to, step by step.
 */
public final class CallReplay {

  /** One event and the state before and after it. */
  public record Step(long sequenceNr, CallEvent event, CallState before, CallState after) {}

  private CallReplay() {}

  /**
   * Applies {@code events} (in journal order, sequence numbers from 1) from the empty state.
   *
   * @throws IllegalStateException when an event cannot follow the state before it (a journal
   *     the entity itself could not recover)
   */
  public static List<Step> replay(List<CallEvent> events) {
    List<Step> steps = new ArrayList<>(events.size());
    CallState state = CallState.Idle.INSTANCE;
    long seq = 0;
    for (CallEvent event : events) {
      CallState next = CallEventHandler.apply(state, event);
      steps.add(new Step(++seq, event, state, next));
      state = next;
    }
    return steps;
  }

  /** The state after all of {@code events}: what the entity recovers to. */
  public static CallState stateAfter(List<CallEvent> events) {
    List<Step> steps = replay(events);
    return steps.isEmpty() ? CallState.Idle.INSTANCE : steps.get(steps.size() - 1).after();
  }
}
