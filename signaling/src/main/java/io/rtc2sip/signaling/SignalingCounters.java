package io.rtc2sip.signaling;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the signaling server refused, by reason (an error code sent to a client, or a
 * connection-level refusal: {@code too-many-connections}, {@code origin}, {@code login-timeout},
 * {@code too-many-refused}), and how many connections are open. The node exports them on
 * {@code /metrics} ({@code rtc2sip_signaling_refused_total}, {@code rtc2sip_signaling_connections}).
 */
public final class SignalingCounters {
  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  private volatile LongSupplier open = () -> 0;

  void refused(String reason) {
    refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
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
}
