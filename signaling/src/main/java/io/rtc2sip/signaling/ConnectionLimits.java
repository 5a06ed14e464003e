package io.rtc2sip.signaling;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps on open client connections, per source address and in total (TCP and WebSocket
 * together). A connection takes a slot when it opens ({@link #open}) and gives it back once
 * when it closes ({@link #close}).
 */
final class ConnectionLimits {
  private final int total;
  private final int perAddress;
  private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
  private int open;

  ConnectionLimits(int total, int perAddress) {
    this.total = total;
    this.perAddress = perAddress;
  }

  /** Takes a slot for a connection from {@code address}; empty, or why there is none. */
  synchronized Optional<String> open(String address) {
    Optional<String> refusal = refusal(address);
    if (refusal.isPresent()) {
      return refusal;
    }
    byAddress.merge(address, 1, Integer::sum);
    open++;
    return Optional.empty();
  }

  /** Why a connection from {@code address} would be refused now; empty if it would not. */
  synchronized Optional<String> refusal(String address) {
    if (open >= total) {
      return Optional.of("the gateway has its maximum of " + total + " client connections");
    }
    int mine = byAddress.getOrDefault(address, 0);
    if (mine >= perAddress) {
      return Optional.of("your address has the maximum of " + perAddress
          + " client connections");
    }
    return Optional.empty();
  }

  synchronized void close(String address) {
    byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    open--;
  }

  synchronized int open() {
    return open;
  }
}
