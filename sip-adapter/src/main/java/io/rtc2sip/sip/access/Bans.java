package io.rtc2sip.sip.access;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sources banned until a time. A ban ends by itself once its time has passed (checked when the
 * source is next seen, and swept when the table fills); at most {@code maxSources} bans are
 * held, beyond that the oldest-ending are swept first and a new ban is not recorded.
 */
public final class Bans {
  private final long banNanos;
  private final int maxSources;
  private final LongSupplier nanos;
  private final Map<InetAddress, Long> until = new ConcurrentHashMap<>();

  public Bans(Duration ban, int maxSources, LongSupplier nanos) {
    if (ban.isNegative() || ban.isZero()) {
      throw new IllegalArgumentException("ban time must be positive");
    }
    this.banNanos = ban.toNanos();
    this.maxSources = maxSources;
    this.nanos = nanos;
  }

  /** Whether {@code source} is banned now; an expired ban is removed. */
  public boolean banned(InetAddress source) {
    Long end = until.get(source);
    if (end == null) {
      return false;
    }
    if (nanos.getAsLong() - end >= 0) {
      until.remove(source, end);
      return false;
    }
    return true;
  }

  /** Bans {@code source} from now for the ban time; false if it was banned already. */
  public boolean ban(InetAddress source) {
    long now = nanos.getAsLong();
    if (until.size() >= maxSources) {
      until.values().removeIf(end -> now - end >= 0);
      if (until.size() >= maxSources) {
        return false;
      }
    }
    Long previous = until.put(source, now + banNanos);
    return previous == null || now - previous >= 0;
  }

  /** Bans in force (expired ones not yet swept are not counted). */
  public long active() {
    long now = nanos.getAsLong();
    return until.values().stream().filter(end -> now - end < 0).count();
  }
}
