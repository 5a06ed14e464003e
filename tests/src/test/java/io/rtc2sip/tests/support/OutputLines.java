package io.rtc2sip.tests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The lines a process or a client printed, kept in memory to wait on: one writer adds, tests
 * wait for a line that matches, or read what matched so far.
 */
public final class OutputLines {
  private final String name;
  private final List<String> lines = new ArrayList<>();

  public OutputLines(String name) {
    this.name = name;
  }

  public void add(String line) {
    synchronized (lines) {
      lines.add(line);
      lines.notifyAll();
    }
  }

  /** Wakes waiters (the writer ended). */
  public void ended() {
    synchronized (lines) {
      lines.notifyAll();
    }
  }

  /**
   * Waits for a line matching {@code match}, counting from the first line; fails with the tail
   * when it does not come within {@code timeout}, or once {@code alive} says no more will.
   *
   * @param why what is said of a writer that ended, after the timeout
   */
  public String await(Predicate<String> match, java.time.Duration timeout, BooleanSupplier alive,
      java.util.function.Supplier<String> why) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !alive.getAsBoolean()) {
          throw new AssertionError(name + ": expected line not seen within " + timeout
              + (alive.getAsBoolean() ? "" : why.get()) + "; last lines:\n" + tail(40));
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
      }
    }
  }

  /** All lines so far that match. */
  public List<String> matching(Predicate<String> match) {
    synchronized (lines) {
      return lines.stream().filter(match).toList();
    }
  }

  public String tail(int n) {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
  }
}
