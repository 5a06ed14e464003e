package io.rtc2sip.tests.support;

import io.rtc2sip.actors.call.CallView;
import java.time.Duration;
import java.util.function.Function;

/**
 * Waits for a call to reach a state. Facts from SIP and the media are told to a call, not asked,
 * so a test polls the call's view (bounded) until it shows the expected state.
 */
public final class CallStates {
  private CallStates() {}

  /** The call's view once its state is {@code state}; fails after {@code timeout}. */
  public static CallView await(Function<String, CallView> view, String callId, String state,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CallView v = view.apply(callId);
    while (!v.state().equals(state) && System.nanoTime() < deadline) {
      Thread.sleep(20); // polling the call's view, see the class comment
      v = view.apply(callId);
    }
    if (!v.state().equals(state)) {
      throw new AssertionError(callId + " is " + v.state() + ", expected " + state);
    }
    return v;
  }
}
