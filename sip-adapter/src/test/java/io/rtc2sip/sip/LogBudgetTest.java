package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogBudgetTest {
  @Test
  void linesBeyondTheBudgetAreCountedOnceTheIntervalEnds() {
    AtomicLong now = new AtomicLong();
    LogBudget budget = new LogBudget(2, Duration.ofSeconds(10), now::get);
    assertTrue(budget.take());
    assertTrue(budget.take());
    assertFalse(budget.take());
    assertFalse(budget.take());
    assertEquals(0, budget.suppressedBeforeThisInterval(), "the interval has not ended");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(2, budget.suppressedBeforeThisInterval());
    assertEquals(0, budget.suppressedBeforeThisInterval(), "reported once");
    assertTrue(budget.take());
  }
}
