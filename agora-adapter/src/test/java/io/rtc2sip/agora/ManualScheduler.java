package io.rtc2sip.agora;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link LegScheduler} on virtual time: tasks run on the test's thread when the test advances
 * the clock, in due order (submission order for equal times). Single-threaded.
 */
final class ManualScheduler implements LegScheduler {
  private static final int MAX_TASKS_PER_ADVANCE = 1_000_000;

  private static final class Entry implements Cancellable {
    long due;
    long seq;
    final Runnable task;
    final long period;
    boolean cancelled;

    Entry(long due, long seq, Runnable task, long period) {
      this.due = due;
      this.seq = seq;
      this.task = task;
      this.period = period;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.due != b.due
      ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long now = 1_000_000_000L;
  private long seq;
  private boolean shutdown;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    add(now, task, 0);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    return add(now + delay.toNanos(), task, 0);
  }

  @Override
  public Cancellable repeat(Runnable task, Duration period) {
    return add(now + period.toNanos(), task, period.toNanos());
  }

  @Override
  public void shutdown() {
    shutdown = true;
    queue.clear();
  }

  boolean isShutdown() {
    return shutdown;
  }

  /** Runs the tasks due now, including those they submit for now. */
  void runPending() {
    advance(Duration.ZERO);
  }

  /** Moves the clock forward by {@code d}, running every task that falls due on the way. */
  void advance(Duration d) {
    long until = now + d.toNanos();
    for (int i = 0; i < MAX_TASKS_PER_ADVANCE; i++) {
      Entry e = queue.peek();
      if (e == null || e.due > until) {
        now = until;
        return;
      }
      queue.poll();
      now = Math.max(now, e.due);
      if (e.cancelled) {
        continue;
      }
      e.task.run();
      if (e.period > 0 && !e.cancelled && !shutdown) {
        e.due += e.period;
        e.seq = seq++;
        queue.add(e);
      }
    }
    throw new AssertionError("tasks keep scheduling tasks");
  }

  private Entry add(long due, Runnable task, long period) {
    Entry e = new Entry(due, seq++, task, period);
    if (!shutdown) {
      queue.add(e);
    }
    return e;
  }
}
