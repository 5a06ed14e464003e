package io.rtc2sip.sip.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of bad input per kind and source over an interval, so that a flood makes one log
 * line per source and interval instead of one per packet. At most {@code maxSources} sources
 * are told apart per interval; the rest are added up as "other sources".
 */
public final class SourceTally {
  private record Key(String what, String source) {}

  private final int maxSources;
  private final Map<Key, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> others = new ConcurrentHashMap<>();

  public SourceTally(int maxSources) {
    this.maxSources = maxSources;
  }

  /** One more {@code what} (e.g. "malformed SIP datagrams") from {@code source}. */
  public void add(String what, String source) {
    Key key = new Key(what, source);
    AtomicLong n = counts.get(key);
    if (n == null) {
      n = counts.size() >= maxSources ? others.computeIfAbsent(what, w -> new AtomicLong())
          : counts.computeIfAbsent(key, k -> new AtomicLong());
    }
    n.incrementAndGet();
  }

  /**
   * The lines of the interval that ends now ("N what from source in the last S s"), and a new
   * interval begins.
   */
  public List<String> drain(long intervalSeconds) {
    List<String> lines = new ArrayList<>();
    for (Key k : List.copyOf(counts.keySet())) {
      AtomicLong n = counts.remove(k);
      if (n != null && n.get() > 0) {
        lines.add(n.get() + " " + k.what() + " from " + k.source() + " in the last "
            + intervalSeconds + " s");
      }
    }
    for (String what : List.copyOf(others.keySet())) {
      AtomicLong n = others.remove(what);
      if (n != null && n.get() > 0) {
        lines.add(n.get() + " " + what + " from other sources in the last " + intervalSeconds
            + " s");
      }
    }
    return lines;
  }
}
