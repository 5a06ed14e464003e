package io.rtc2sip.signaling;

import java.util.function.LongSupplier;

/** A token bucket: {@code perSecond} messages a second, bursts of twice that. */
final class RateLimiter {
  private final double perNano;
  private final double capacity;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  RateLimiter(int perSecond, LongSupplier clock) {
    this.perNano = perSecond / 1e9;
    this.capacity = 2.0 * perSecond;
    this.clock = clock;
    this.tokens = capacity;
    this.last = clock.getAsLong();
  }

  synchronized boolean tryAcquire() {
    long now = clock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
