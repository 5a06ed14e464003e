package io.rtc2sip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UntilTest {

  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();
    Until.until(Duration.ofSeconds(5), () -> polls.incrementAndGet() >= 3, "three polls");
    assertEquals(3, polls.get());
  }

  @Test
  void failsWithWhatWasAwaitedAfterTheDeadline() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Until.until(Duration.ofMillis(30), () -> false, () -> "the answer, last seen: none"));
    assertTrue(e.getMessage().contains("the answer, last seen: none"), e.getMessage());
    assertTrue(e.getMessage().contains("30 ms"), e.getMessage());
  }

  @Test
  void theValueIsTheFirstThatIsNotNull() {
    AtomicInteger polls = new AtomicInteger();
    String v = Until.value(Duration.ofSeconds(5),
        () -> polls.incrementAndGet() < 4 ? null : "poll " + polls.get(), () -> "a value");
    assertEquals("poll 4", v);
  }

  @Test
  void holdsSaysNoWithoutFailing() {
    assertFalse(Until.holds(Duration.ofMillis(10), () -> false));
    assertTrue(Until.holds(Duration.ZERO, () -> true));
  }
}
