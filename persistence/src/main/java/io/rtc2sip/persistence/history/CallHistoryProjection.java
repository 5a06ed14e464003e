package io.rtc2sip.persistence.history;

import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallEvent;
import io.rtc2sip.metrics.NodeMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the call-history tables ({@link CallRecords}) from the journal: the {@code call}-tagged
 * events, read with the JDBC read journal from the stored offset, applied in batches that commit
 * together with the new offset. Runs once per cluster (a cluster singleton, so it moves to
 * another node when its node leaves); a database failure restarts the stream with backoff from
 * the last committed offset.
 */
public final class CallHistoryProjection {
  private static final Logger log = LoggerFactory.getLogger(CallHistoryProjection.class);
  private static final int BATCH = 256;
  private static final Duration BATCH_WINDOW = Duration.ofMillis(200);

  /** Opens a connection to the journal database. */
  @FunctionalInterface
  public interface Database {
    Connection connect() throws SQLException;
  }

  private final ActorSystem<?> system;
  private final Database database;
  private final Executor blocking;
  private final AtomicLong applied = new AtomicLong();
  private final NodeMetrics metrics;
  private Connection connection;

  private CallHistoryProjection(ActorSystem<?> system, Database database) {
    this.system = system;
    this.database = database;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.metrics = NodeMetrics.get(system);
  }

  /** Runs the projection as this cluster's singleton {@code call-history-projection}. */
  public static void init(ActorSystem<?> system, Database database) {
    ClusterSingleton.get(system).init(
        SingletonActor.of(behavior(database), "call-history-projection"));
  }

  /** The projection as an actor: it runs while the actor lives (tests run it directly). */
  public static Behavior<Void> behavior(Database database) {
    return Behaviors.setup(ctx -> {
      CallHistoryProjection projection = new CallHistoryProjection(ctx.getSystem(), database);
      UniqueKillSwitch running = projection.run();
      Duration retention = ctx.getSystem().settings().config()
          .getDuration("rtc2sip.call-history.retention");
      UniqueKillSwitch expiring = retention.isZero() ? null : projection.expire(retention);
      return Behaviors.receive(Void.class)
          .onSignal(PostStop.class, signal -> {
            running.shutdown();
            if (expiring != null) {
              expiring.shutdown();
            }
            projection.closeConnection();
            return Behaviors.same();
          })
          .build();
    });
  }

  private UniqueKillSwitch run() {
    RestartSettings restart = RestartSettings.create(Duration.ofSeconds(1),
        Duration.ofSeconds(30), 0.2);
    return RestartSource.onFailuresWithBackoff(restart, this::fromStoredOffset)
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.left())
        .run(system);
  }

  /** Every hour (first after a minute): deletes the rows of calls older than {@code retention}. */
  private UniqueKillSwitch expire(Duration retention) {
    return Source.tick(Duration.ofMinutes(1), Duration.ofHours(1), "expire")
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsync(1, tick -> CompletableFuture.supplyAsync(() -> withConnection(c ->
                CallRecords.deleteEndedBefore(c, java.time.Instant.now().minus(retention))),
            blocking).exceptionally(failure -> {
              log.warn("call history: deleting calls older than {} failed ({}); next try in an"
                  + " hour", retention, failure.toString());
              return 0;
            }))
        .toMat(Sink.foreach(deleted -> {
          if (deleted > 0) {
            log.info("call history: {} calls older than {} deleted", deleted, retention);
          }
        }), Keep.left())
        .run(system);
  }

  private Source<Done, ?> fromStoredOffset() {
    JdbcReadJournal journal = PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return Source.completionStage(CompletableFuture.supplyAsync(
            () -> withConnection(c -> CallRecords.offset(c, CallRecords.PROJECTION)), blocking))
        .flatMapConcat(offset -> {
          log.info("call history: reading the journal after ordering {}", offset);
          applied.set(offset);
          return journal.eventsByTag(CallEntity.TAG, Offset.sequence(offset));
        })
        .groupedWithin(BATCH, BATCH_WINDOW)
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> write(batch), blocking));
  }

  private Done write(List<EventEnvelope> batch) {
    List<CallRecords.JournalEvent> events = new ArrayList<>(batch.size());
    for (EventEnvelope e : batch) {
      if (e.event() instanceof CallEvent event && e.offset() instanceof Sequence s) {
        events.add(new CallRecords.JournalEvent(s.value(), e.persistenceId(), e.sequenceNr(),
            event));
      } else {
        log.warn("call history: skipping {} #{} ({}): not a call event",
            e.persistenceId(), e.sequenceNr(), e.event().getClass().getName());
      }
    }
    long newest = withConnection(c -> {
      CallRecords.apply(c, CallRecords.PROJECTION, events);
      try (var st = c.createStatement();
          var rs = st.executeQuery("SELECT coalesce(max(ordering), 0) FROM event_journal")) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
    if (!events.isEmpty()) {
      applied.set(events.get(events.size() - 1).ordering());
    }
    metrics.callHistoryLag(Math.max(0, newest - applied.get()));
    return Done.getInstance();
  }

  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on the projection's connection; a failure drops it and fails the stream. */
  private synchronized <T> T withConnection(SqlWork<T> work) {
    try {
      if (connection == null || connection.isClosed()) {
        connection = database.connect();
      }
      return work.run(connection);
    } catch (SQLException e) {
      log.warn("call history: database failure after ordering {} ({}); retrying with backoff",
          applied.get(), e.getMessage());
      closeConnection();
      throw new CompletionException(e);
    }
  }

  private synchronized void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("call history: closing the connection failed: {}", e.toString());
      }
      connection = null;
    }
  }
}
