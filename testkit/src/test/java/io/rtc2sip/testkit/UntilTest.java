package io.rtc2sip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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

  @Test
  void aCheckThatReadsWaitsAndItsFailureEndsTheWait() {
    AtomicInteger polls = new AtomicInteger();
    Until.until(Duration.ofSeconds(5), Until.checking(() -> polls.incrementAndGet() >= 2), "two");
    assertEquals(2, polls.get());
    IOException gone = new IOException("log gone");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> Until.until(Duration.ofSeconds(5), Until.checking(() -> {
          throw gone;
        }), "never"));
    assertEquals(gone, e.getCause());
    assertThrows(IllegalStateException.class, () -> Until.holds(Duration.ofSeconds(5),
        Until.checking(() -> {
          throw new Exception("a query failed");
        })));
  }

  @Test
  void aProbeThatReadsGivesItsFirstValue() {
    AtomicInteger polls = new AtomicInteger();
    assertEquals(Integer.valueOf(3), Until.value(Duration.ofSeconds(5),
        Until.probing(() -> polls.incrementAndGet() < 3 ? null : polls.get()), () -> "3"));
  }

  @Test
  void anInterruptedCheckKeepsTheInterrupt() {
    try {
      assertThrows(IllegalStateException.class, () -> Until.holds(Duration.ofSeconds(5),
          Until.checking(() -> {
            throw new InterruptedException();
          })));
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }
}
