package io.rtc2sip.actors.journal;

import com.typesafe.config.Config;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SupervisionLog;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Whether this node's journal database answers, as the node last learnt it: from a failed
 * journal write or recovery of an entity, from the readiness check, and from the probe that
 * asks the database ({@code io.rtc2sip.persistence.JournalProbe}: every {@code probe-interval},
 * every {@code probe-interval-down} while it does not answer). New calls are admitted only while
 * it is available (the SIP adapter answers 503 with Retry-After, the signaling server
 * {@code journal-unavailable}), at once and without a database round trip per call. Each change
 * is a supervision event (log, dashboard) and shows in {@code rtc2sip_journal_available}. One
 * instance per actor system.
 *
 * <p>A failed write makes it unavailable; only a probe that <em>started after</em> the last
 * failure makes it available again, so that a probe answered just before the database went
 * away cannot hide the failure.
 */
public final class JournalAvailability implements Extension {
  /** The subject of its supervision events (dashboard, log). */
  private static final String SUBJECT = "journal";

  /** The signaling error code and the metrics' refusal reason of a call refused meanwhile. */
  public static final String REFUSAL = "journal-unavailable";

  private final Settings settings;
  private final SupervisionLog supervision;
  private final LongSupplier nanoClock;
  private final Counter outages;
  private final Counter refusals;
  /** Bumped by every failure; a probe carries the value it started under. */
  private final AtomicLong failures = new AtomicLong();
  private boolean available = true;
  private long downSinceNanos;
  private String reason = "";

  /** The settings under {@code rtc2sip.journal-availability}. */
  public record Settings(Duration probeInterval, Duration probeIntervalDown,
      Duration probeTimeout, Duration retryAfter) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("rtc2sip.journal-availability");
      return new Settings(c.getDuration("probe-interval"), c.getDuration("probe-interval-down"),
          c.getDuration("probe-timeout"), c.getDuration("retry-after"));
    }
  }

  JournalAvailability(Settings settings, NodeMetrics metrics, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
    this.supervision = metrics.supervision();
    GaugeWithCallback.builder().name("rtc2sip_journal_available")
        .help("1 while the journal database answers, 0 while it does not (new calls are then"
            + " refused: SIP 503 with Retry-After, signaling journal-unavailable)")
        .callback(cb -> cb.call(available() ? 1 : 0)).register(metrics.registry());
    outages = Counter.builder().name("rtc2sip_journal_outages_total")
        .help("Times the journal database stopped answering (a failed write, recovery or probe)")
        .register(metrics.registry());
    refusals = Counter.builder().name("rtc2sip_calls_refused_journal_unavailable_total")
        .help("New calls refused because the journal database did not answer, by where they"
            + " came from (sip: 503 with Retry-After; signaling: journal-unavailable)")
        .labelNames("source").register(metrics.registry());
  }

  /** The availability of {@code system}'s node. */
  public static JournalAvailability get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE);
  }

  public Settings settings() {
    return settings;
  }

  /** Whether new calls may be taken: the journal answered last time the node learnt of it. */
  public synchronized boolean available() {
    return available;
  }

  /** A journal write or recovery failed ({@code what}: which, and why). */
  public void journalFailed(String what) {
    failures.incrementAndGet();
    down(what);
  }

  /** A probe is about to ask the database: pass the token to {@link #probed}. */
  public long probing() {
    return failures.get();
  }

  /**
   * The database answered a probe that started with {@code token} ({@code answered}), or did
   * not ({@code why}).
   */
  public void probed(long token, boolean answered, String why) {
    if (!answered) {
      down("the database did not answer a probe: " + why);
      return;
    }
    synchronized (this) {
      if (available || token != failures.get()) {
        return; // up already, or a failure came after the probe started
      }
      available = true;
    }
    supervision.record(SupervisionLog.KIND_JOURNAL_AVAILABLE, SUBJECT, "the journal database"
        + " answers again after " + (nanoClock.getAsLong() - downSinceNanos) / 1_000_000
        + " ms: new calls are taken again");
  }

  /** A new call was refused because the journal is unavailable ({@code source}: sip, signaling). */
  public void refused(String source) {
    refusals.labelValues(source).inc();
  }

  /** Why the journal is unavailable (empty while it is available). */
  public synchronized String reason() {
    return available ? "" : reason;
  }

  private void down(String why) {
    synchronized (this) {
      if (!available) {
        return;
      }
      available = false;
      downSinceNanos = nanoClock.getAsLong();
      reason = why;
    }
    outages.inc();
    supervision.record(SupervisionLog.KIND_JOURNAL_UNAVAILABLE, SUBJECT, "the journal database"
        + " is unavailable (" + why + "): new calls are refused (SIP 503, signaling " + REFUSAL
        + ") until it answers; calls in progress keep their media");
  }

  private static final class Id extends ExtensionId<JournalAvailability> {
    static final Id INSTANCE = new Id();

    @Override
    public JournalAvailability createExtension(ActorSystem<?> system) {
      return new JournalAvailability(Settings.fromConfig(system.settings().config()),
          NodeMetrics.get(system), System::nanoTime);
    }
  }
}
