package io.rtc2sip.actors;

import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SupervisionLog;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.event.Level;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The supervision of entities and adapters. An entity's state is recoverable from its journal,
 * so a failed entity is restarted with backoff and recovers its events again: a failed journal
 * write (the database is down), a failed recovery, or a bug in a handler. Each restart is counted
 * and recorded with its cause ({@link NodeMetrics#supervision()}). A failure stays inside its
 * entity: the shard and every other entity go on. An adapter actor whose state is only a cache
 * of what the stack holds is restarted at once, and that is recorded too.
 */
public final class Supervised {
  /** First and longest wait before a failed entity restarts. */
  public static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private Supervised() {}

  /**
   * The restarts of one entity. Two supervisors restart an entity: the event-sourced behavior's
   * own (for journal failures: it catches them inside the entity, which then sees only a
   * {@code PreRestart} signal) and the one {@link #restartWithBackoff} puts around it (for any
   * other failure, whose cause it sees). Both report here, each restart once.
   */
  public static final class Restarts {
    private final String entity;
    private final String id;
    private final NodeMetrics metrics;
    private final JournalAvailability journal;
    private boolean recordedByOuter;
    private boolean journalFailed;

    private Restarts(String entity, String id, NodeMetrics metrics, JournalAvailability journal) {
      this.entity = entity;
      this.id = id;
      this.metrics = metrics;
      this.journal = journal;
    }

    /** A failure on its way to the outer supervisor. */
    void failed(Throwable cause) {
      recordedByOuter = true;
      metrics.entityRestarted(entity, id, SupervisionLog.KIND_ENTITY_RESTART,
          entity + " failed (" + cause + "); restarting with backoff");
    }

    /**
     * The entity recovered: whatever restarted it has been recorded.
     *
     * @return whether it was restarted on this node after a journal failure (what it does
     *     outside its journal, such as a call's media, is still here)
     */
    public boolean recovered() {
      recordedByOuter = false;
      boolean afterJournalFailure = journalFailed;
      journalFailed = false;
      return afterJournalFailure;
    }

    /**
     * The entity got {@code PreRestart}: from the outer supervisor (already recorded), or from
     * its own after a journal failure (recorded now, and the journal is unavailable).
     *
     * @return whether the restart is a journal failure's
     */
    public boolean preRestart() {
      if (recordedByOuter) {
        recordedByOuter = false;
        return false;
      }
      metrics.entityRestarted(entity, id, SupervisionLog.KIND_PERSISTENCE_FAILURE,
          "the journal failed to write or recover its events; " + entity
              + " restarts with backoff and recovers them");
      journalFailed = true;
      if (journal != null) {
        journal.journalFailed("a write or recovery of " + entity + " " + id + " failed");
      }
      return true;
    }
  }

  /**
   * What an event-sourced entity does when the journal fails it: restart with backoff and
   * recover. The failure is logged at DEBUG only: {@link Restarts#preRestart} records each
   * restart in one line, and a database outage would otherwise write a stack trace per entity
   * and attempt.
   */
  public static BackoffSupervisorStrategy onJournalFailure() {
    return SupervisorStrategy.restartWithBackoff(MIN_BACKOFF, MAX_BACKOFF, 0.2)
        .withLogLevel(Level.DEBUG);
  }

  /** The restart accounting of entity {@code id} of type {@code entity} on this node. */
  public static Restarts restarts(String entity, String id, NodeMetrics metrics,
      JournalAvailability journal) {
    return new Restarts(entity, id, metrics, journal);
  }

  /** As above, without telling anyone of journal failures (tests). */
  public static Restarts restarts(String entity, String id, NodeMetrics metrics) {
    return new Restarts(entity, id, metrics, null);
  }

  /** {@code behavior} restarted with backoff on failure, each failure recorded. */
  @SuppressWarnings("unchecked")
  public static <T> Behavior<T> restartWithBackoff(Restarts restarts, Behavior<T> behavior) {
    Behavior<Object> any = (Behavior<Object>) (Behavior<?>) behavior;
    Behavior<Object> recorded =
        Behaviors.intercept(() -> new FailureRecorder<>(Object.class, restarts::failed), any);
    return (Behavior<T>) (Behavior<?>) Behaviors.supervise(recorded)
        .onFailure(SupervisorStrategy.restartWithBackoff(MIN_BACKOFF, MAX_BACKOFF, 0.2));
  }

  /**
   * An adapter's actor, restarted at once on failure, or resumed ({@code resume}) where its
   * state must outlive a failed message; each failure recorded as an adapter restart.
   */
  public static <T> Behavior<T> adapter(String adapter, NodeMetrics metrics, Behavior<T> behavior,
      Class<T> type, boolean resume) {
    String outcome = resume ? "resumed" : "restarted";
    Behavior<T> recorded = Behaviors.intercept(() -> new FailureRecorder<>(type,
        e -> metrics.supervision().record(SupervisionLog.KIND_ADAPTER_RESTART, adapter,
            adapter + " " + outcome + " after " + e)), behavior);
    return Behaviors.supervise(recorded)
        .onFailure(resume ? SupervisorStrategy.resume() : SupervisorStrategy.restart());
  }

  /** Sees every failure on its way to the supervisor: records it, lets it through. */
  private static final class FailureRecorder<T> extends BehaviorInterceptor<T, T> {
    private final Consumer<RuntimeException> record;

    FailureRecorder(Class<T> type, Consumer<RuntimeException> record) {
      super(type);
      this.record = record;
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      try {
        return target.apply(ctx, msg);
      } catch (RuntimeException e) {
        record.accept(e);
        throw e;
      }
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal,
        SignalTarget<T> target) {
      try {
        return target.apply(ctx, signal);
      } catch (RuntimeException e) {
        record.accept(e);
        throw e;
      }
    }
  }
}
