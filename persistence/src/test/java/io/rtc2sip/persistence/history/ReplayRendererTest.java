package io.rtc2sip.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rtc2sip.actors.call.CallEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The replay's text says what each push attempt got. */
class ReplayRendererTest {

  private static final Instant AT = Instant.parse("2026-12-03T09:31:43Z");

  @Test
  void pushStepsSayTheirOutcome() {
    assertEquals("  attempt 1: HTTP 503 in 229 ms, next at 2026-12-03T09:31:43.500Z",
        ReplayRenderer.detail(new CallEvent.PushAttempted(1, 503, null, 229,
            AT.plusMillis(500), AT)));
    assertEquals("  attempt 2: timed out after 3000 ms in 3001 ms",
        ReplayRenderer.detail(new CallEvent.PushAttempted(2, 0, "timed out after 3000 ms",
            3001, null, AT)));
    assertEquals("  refused with HTTP 404",
        ReplayRenderer.detail(new CallEvent.PushFailed(1, "refused with HTTP 404", AT)));
    assertEquals("", ReplayRenderer.detail(new CallEvent.PushDelivered(3, AT)));
  }
}
