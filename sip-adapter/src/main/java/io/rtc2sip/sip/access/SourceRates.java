package io.rtc2sip.sip.access;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code perSecond} requests a second on average, up to
 * {@code burst} at once. The table holds at most {@code maxSources} buckets: idle ones (full
 * again) are swept when it fills, and while it is still full, new sources share one bucket, so
 * a sweep of spoofed addresses cannot grow memory without end.
 */
public final class SourceRates {
  private final double perSecond;
  private final double burst;
  private final int maxSources;
  private final LongSupplier nanos;
  private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
  private final Bucket overflow;

  public SourceRates(double perSecond, int burst, int maxSources, LongSupplier nanos) {
    if (perSecond <= 0 || burst < 1 || maxSources < 1) {
      throw new IllegalArgumentException("rate limit: requests-per-second and burst must be"
          + " positive");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxSources = maxSources;
    this.nanos = nanos;
    this.overflow = new Bucket(burst, nanos.getAsLong());
  }

  /** Takes one request of {@code source}: false when it is over its rate. */
  public boolean tryAcquire(InetAddress source) {
    long now = nanos.getAsLong();
    Bucket b = buckets.get(source);
    if (b == null) {
      if (buckets.size() >= maxSources) {
        sweep(now);
      }
      b = buckets.size() >= maxSources ? overflow
          : buckets.computeIfAbsent(source, s -> new Bucket(burst, now));
    }
    return b.take(now, perSecond, burst);
  }

  /** Forgets {@code source} (its bucket starts full next time). */
  public void forget(InetAddress source) {
    buckets.remove(source);
  }

  int tracked() {
    return buckets.size();
  }

  private void sweep(long now) {
    buckets.values().removeIf(b -> b.fullAt(now, perSecond, burst));
  }

  private static final class Bucket {
    private double tokens;
    private long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    synchronized boolean take(long now, double perSecond, double burst) {
      refill(now, perSecond, burst);
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }

    synchronized boolean fullAt(long now, double perSecond, double burst) {
      refill(now, perSecond, burst);
      return tokens >= burst;
    }

    private void refill(long now, double perSecond, double burst) {
      if (now > at) {
        tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
        at = now;
      }
    }
  }
}
