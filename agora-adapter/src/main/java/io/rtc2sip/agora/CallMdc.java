package io.rtc2sip.agora;

import java.util.function.Supplier;
import org.slf4j.MDC;

/** The call id in the logging MDC, so every line about a call can be tied to it. */
final class CallMdc {
  /** The MDC key the whole gateway uses for the call id. */
  static final String KEY = "callId";

  private CallMdc() {}

  /** Runs {@code body} with {@code callId} in the MDC, then restores what was there before. */
  static <T> T with(String callId, Supplier<T> body) {
    String previous = MDC.get(KEY);
    MDC.put(KEY, callId);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        MDC.remove(KEY);
      } else {
        MDC.put(KEY, previous);
      }
    }
  }
}
