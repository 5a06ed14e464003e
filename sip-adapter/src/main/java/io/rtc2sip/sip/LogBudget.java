package io.rtc2sip.sip;

import java.time.Duration;
import java.util.function.LongSupplier;

/** At most {@code perInterval} log lines per interval; what is over is counted. */
final class LogBudget {
  private final int perInterval;
  private final long intervalNanos;
  private final LongSupplier nanos;
  private long start;
  private int used;
  private long suppressed;
  private long reportable;

  LogBudget(int perInterval, Duration interval, LongSupplier nanos) {
    this.perInterval = perInterval;
    this.intervalNanos = interval.toNanos();
    this.nanos = nanos;
    this.start = nanos.getAsLong();
  }

  /** Whether one more line may be logged in this interval. */
  synchronized boolean take() {
    roll();
    if (used < perInterval) {
      used++;
      return true;
    }
    suppressed++;
    return false;
  }

  /** Lines not logged in the interval that just ended (once; 0 otherwise). */
  synchronized long suppressedBeforeThisInterval() {
    roll();
    long n = reportable;
    reportable = 0;
    return n;
  }

  private void roll() {
    long now = nanos.getAsLong();
    if (now - start >= intervalNanos) {
      start = now;
      used = 0;
      reportable += suppressed;
      suppressed = 0;
    }
  }
}
