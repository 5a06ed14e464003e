package io.rtc2sip.persistence;

import io.rtc2sip.actors.journal.JournalAvailability;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Asks the journal database whether it answers ({@link JournalPing}) and tells the node's
 * {@link JournalAvailability}: every {@code probe-interval} while it answers, every
 * {@code probe-interval-down} while it does not, so that the node learns of an outage without a
 * failed write and takes new calls again soon after the database returns. One probe at a time.
 */
public final class JournalProbe implements AutoCloseable {
  private final JournalPing ping;
  private final JournalAvailability availability;
  private final long upIntervalNanos;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Cancellable timer;
  private volatile long lastNanos = System.nanoTime();

  private JournalProbe(ActorSystem<?> system) {
    this.availability = JournalAvailability.get(system);
    JournalAvailability.Settings s = availability.settings();
    this.ping = new JournalPing(system.settings().config(), s.probeTimeout());
    this.upIntervalNanos = s.probeInterval().toNanos();
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.timer = system.scheduler().scheduleAtFixedRate(s.probeIntervalDown(),
        s.probeIntervalDown(), () -> tick(blocking), system.executionContext());
  }

  /** Starts probing the journal database of {@code system}'s node. */
  public static JournalProbe start(ActorSystem<?> system) {
    return new JournalProbe(system);
  }

  private void tick(Executor blocking) {
    long now = System.nanoTime();
    if (availability.available() && now - lastNanos < upIntervalNanos) {
      return;
    }
    if (!running.compareAndSet(false, true)) {
      return;
    }
    lastNanos = now;
    blocking.execute(() -> {
      try {
        long token = availability.probing();
        String failure = ping.failure();
        availability.probed(token, failure == null, failure);
      } finally {
        running.set(false);
      }
    });
  }

  @Override
  public void close() {
    timer.cancel();
  }
}
