package io.rtc2sip.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting in tests for something that happens on another thread or in another process: polls a
 * condition until it holds or a deadline passes, and fails with what was awaited and what was
 * last seen. The tests' one polling loop: a poll is a check, never a synchronisation by sleeping
 * a guessed time. Polls start every millisecond and back off to every 50 ms. A condition that
 * reads something which can fail (a file, a socket, a query) goes in through {@link #checking}
 * or {@link #probing}.
 */
public final class Until {
  private static final long FIRST_PAUSE_NANOS = 1_000_000L;
  private static final long LONGEST_PAUSE_NANOS = 50_000_000L;

  private Until() {}

  /**
   * Waits until {@code condition} holds; fails after {@code within} with {@code what} (what was
   * awaited, and anything the failure should show).
   */
  public static void until(Duration within, BooleanSupplier condition, Supplier<String> what) {
    if (!holds(within, condition)) {
      throw new AssertionError("not within " + within.toMillis() + " ms: " + what.get());
    }
  }

  /** As {@link #until(Duration, BooleanSupplier, Supplier)} with a fixed description. */
  public static void until(Duration within, BooleanSupplier condition, String what) {
    until(within, condition, () -> what);
  }

  /**
   * The first value of {@code probe} that is not null; fails after {@code within} with {@code
   * what}.
   */
  public static <T> T value(Duration within, Supplier<T> probe, Supplier<String> what) {
    Object[] seen = new Object[1];
    until(within, () -> (seen[0] = probe.get()) != null, what);
    @SuppressWarnings("unchecked")
    T value = (T) seen[0];
    return value;
  }

  /**
   * Whether {@code condition} holds within {@code within} (checked once more at the deadline):
   * for tests that go on either way.
   */
  public static boolean holds(Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return condition.getAsBoolean();
      }
      LockSupport.parkNanos(Math.min(pause, left));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting");
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }

  /** A condition that reads something which can fail: another process's log, a socket, a query. */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws Exception;
  }

  /** A probe that reads something which can fail; null while there is nothing yet. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /**
   * {@code check} as a condition to wait on: an exception it throws ends the wait (unchecked: an
   * IOException as UncheckedIOException, any other checked one as IllegalStateException).
   */
  public static BooleanSupplier checking(Check check) {
    return () -> {
      try {
        return check.holds();
      } catch (Exception e) {
        throw unchecked(e);
      }
    };
  }

  /** {@code probe} as a supplier to wait on, its exceptions as with {@link #checking}. */
  public static <T> Supplier<T> probing(Probe<T> probe) {
    return () -> {
      try {
        return probe.get();
      } catch (Exception e) {
        throw unchecked(e);
      }
    };
  }

  private static RuntimeException unchecked(Exception e) {
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return e instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(e);
  }
}
