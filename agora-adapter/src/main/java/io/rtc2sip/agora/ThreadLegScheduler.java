package io.rtc2sip.agora;

import io.rtc2sip.actors.Mdc;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** A leg's own daemon thread; its log lines carry the call id. */
final class ThreadLegScheduler implements LegScheduler {
  private static final Logger log = LoggerFactory.getLogger(ThreadLegScheduler.class);

  private final String callId;
  private final ScheduledThreadPoolExecutor executor;

  ThreadLegScheduler(String callId) {
    this.callId = callId;
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(() -> {
        MDC.put(Mdc.CALL_ID, callId);
        r.run();
      }, "rtc2sip-agora-" + callId);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(guarded(task));
    } catch (RejectedExecutionException e) {
      Mdc.withCall(callId, () -> {
        log.debug("the leg has stopped; task dropped");
        return null;
      });
    }
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    try {
      ScheduledFuture<?> f = executor.schedule(guarded(task), delay.toNanos(),
          TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> { };
    }
  }

  @Override
  public Cancellable repeat(Runnable task, Duration period) {
    try {
      long nanos = period.toNanos();
      ScheduledFuture<?> f = executor.scheduleAtFixedRate(guarded(task), nanos, nanos,
          TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> { };
    }
  }

  @Override
  public void shutdown() {
    executor.shutdown();
  }

  /** A failing task is logged; it must not end a periodic task or the thread silently. */
  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("RTC leg task failed", e);
      }
    };
  }
}
