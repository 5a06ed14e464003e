package io.rtc2sip.media;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of durations in 50 µs buckets up to 100 ms (longer ones fall into the
 * last bucket), cheap enough to record every packet on the media threads.
 */
public final class LatencyHistogram {
  private static final long BUCKET_NANOS = 50_000;
  private static final int BUCKETS = 2000;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  public void record(long nanos) {
    int b = (int) Math.min(BUCKETS - 1, Math.max(0, nanos / BUCKET_NANOS));
    counts.incrementAndGet(b);
  }

  public long count() {
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** The upper bound of the bucket holding quantile {@code q} (0..1), in milliseconds. */
  public double quantileMillis(double q) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return (i + 1) * BUCKET_NANOS / 1e6;
      }
    }
    return BUCKETS * BUCKET_NANOS / 1e6;
  }

  public void reset() {
    for (int i = 0; i < BUCKETS; i++) {
      counts.set(i, 0);
    }
  }
}
