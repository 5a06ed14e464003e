package io.rtc2sip.tests.support;

import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.testkit.Until;
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
      Duration timeout) {
    CallView[] last = new CallView[1];
    Until.until(timeout, () -> (last[0] = view.apply(callId)).state().equals(state),
        () -> callId + " is " + last[0].state() + ", expected " + state);
    return last[0];
  }
}
