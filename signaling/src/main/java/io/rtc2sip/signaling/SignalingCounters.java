package io.rtc2sip.signaling;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the signaling server refused, by reason (an error code sent to a client, or a
 * connection-level refusal: {@code too-many-connections}, {@code origin}, {@code login-timeout},
 * {@code too-many-refused}), and how many connections are open. The node exports them on
 * {@code /metrics} ({@code rtc2sip_signaling_refused_total}, {@code rtc2sip_signaling_connections}).
 */
public final class SignalingCounters {
  private static final Logger log = LoggerFactory.getLogger(SignalingCounters.class);
  /** Refusals of one reason are logged at most once in this many nanoseconds. */
  private static final long LOG_INTERVAL = 10_000_000_000L;

  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  private final Map<String, long[]> logged = new ConcurrentHashMap<>();
  private volatile LongSupplier open = () -> 0;

  void refused(String reason) {
    refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /**
   * Counts a refusal and logs it in summary: the first at once, then at most one line per
   * reason every 10 s with how many there were since (a flood costs no disk).
   */
  void refusedAndLogged(String reason, String detail) {
    refused(reason);
    logInSummary(reason, detail);
  }

  /**
   * Logs a refusal counted elsewhere in summary: the first at once, then at most one line per
   * reason every 10 s. Control characters of {@code detail} (which may quote a client) are
   * shown escaped, so a client cannot write lines of its own into the log.
   */
  void logInSummary(String reason, String detail) {
    long now = System.nanoTime();
    long[] state = logged.computeIfAbsent(reason, r -> new long[] {now - LOG_INTERVAL, 0});
    long since;
    synchronized (state) {
      state[1]++;
      if (now - state[0] < LOG_INTERVAL) {
        return;
      }
      since = state[1];
      state[0] = now;
      state[1] = 0;
    }
    log.info("signaling refused {} ({}; {} since the last such line)", reason, printable(detail),
        since);
  }

  void openConnections(LongSupplier open) {
    this.open = open;
  }

  /** Refusals so far, by reason. */
  public Map<String, Long> refused() {
    Map<String, Long> out = new TreeMap<>();
    refused.forEach((reason, count) -> out.put(reason, count.sum()));
    return out;
  }

  /** How many client connections (TCP and WebSocket) are open. */
  public long openConnections() {
    return open.getAsLong();
  }

  /** {@code text} with control characters escaped and cut to 200 characters. */
  static String printable(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < 200; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
