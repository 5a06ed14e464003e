package io.rtc2sip.sip.dispatch;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server of a destination set as this node sees it: up or down from its probes, when it was
 * last probed and how long that took, and how many INVITEs went to it. Guarded by its set.
 */
public final class Server {
  private final String uri;
  private final int weight;
  private final int priority;
  private final int index;
  private boolean up = true;
  private int failures;
  private int successes;
  private Instant lastProbe;
  private long latencyMicros = -1;
  private String lastOutcome = "";
  /** Smooth weighted round robin's running weight. */
  long current;
  private final LongAdder invites = new LongAdder();

  Server(DestinationSettings.ServerSettings settings, int index) {
    this.uri = settings.uri();
    this.weight = settings.weight();
    this.priority = settings.priority();
    this.index = index;
  }

  public String uri() {
    return uri;
  }

  public int weight() {
    return weight;
  }

  public int priority() {
    return priority;
  }

  int index() {
    return index;
  }

  boolean up() {
    return up;
  }

  /** The probe's outcome counted; the new state when this changed it, else null. */
  String probed(boolean alive, String outcome, Instant at, long micros,
      DestinationSettings.ProbeSettings probe) {
    lastProbe = at;
    lastOutcome = outcome;
    if (alive) {
      latencyMicros = micros;
      failures = 0;
      successes++;
      if (!up && successes >= probe.successesToUp()) {
        up = true;
        return "up after " + successes + " answered probes (last: " + outcome + ")";
      }
    } else {
      successes = 0;
      failures++;
      if (up && failures >= probe.failuresToDown()) {
        up = false;
        return "down after " + failures + " failed probes (last: " + outcome + ")";
      }
    }
    return null;
  }

  void invited() {
    invites.increment();
  }

  /** The server as shown on /metrics and the dashboard. */
  State state() {
    return new State(uri, up, weight, priority, lastProbe, latencyMicros, lastOutcome,
        invites.sum());
  }

  /**
   * A server's state at one moment.
   *
   * @param lastProbe null before the first probe's outcome
   * @param latencyMicros of the last answered probe, -1 before one
   * @param invites INVITEs sent to it (first attempts and failovers)
   */
  public record State(String uri, boolean up, int weight, int priority, Instant lastProbe,
      long latencyMicros, String lastOutcome, long invites) {}
}
