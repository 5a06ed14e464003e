package io.rtc2sip.agora;

import java.time.Duration;

/**
 * Where an RTC leg does its work: one thread, tasks in submission order, delays measured on the
 * same clock the leg reads. Injected so that pacing and timeouts are tested without sleeping.
 */
interface LegScheduler {

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** Monotonic time in nanoseconds. */
  long nanoTime();

  /** Runs {@code task} soon on the leg's thread; ignored once shut down. */
  void execute(Runnable task);

  /** Runs {@code task} on the leg's thread after {@code delay}. */
  Cancellable schedule(Runnable task, Duration delay);

  /** Runs {@code task} on the leg's thread every {@code period}, first after one period. */
  Cancellable repeat(Runnable task, Duration period);

  /** Stops the thread once the running task returns; pending tasks are dropped. */
  void shutdown();
}
