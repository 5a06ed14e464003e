package io.rtc2sip.media;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 10 ms heartbeat of all calls' media on the node. Calls are spread over the clock threads
 * by call id (a conference's legs and its mixer on the call's thread, the mixer after the legs in
 * each tick); a tick that starts late (the previous one overran) is counted, which is the
 * figure to watch for frames late inside the gateway.
 */
final class MediaClock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaClock.class);
  private static final long PERIOD_NANOS = 10_000_000L;

  private final ScheduledExecutorService[] threads;
  @SuppressWarnings("unchecked")
  private final Map<String, CallMedia>[] calls;
  @SuppressWarnings("unchecked")
  private final Map<String, Runnable>[] mixers;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong lateTicks = new AtomicLong();

  @SuppressWarnings("unchecked")
  MediaClock(int threadCount) {
    threads = new ScheduledExecutorService[threadCount];
    calls = new Map[threadCount];
    mixers = new Map[threadCount];
    for (int i = 0; i < threadCount; i++) {
      int n = i;
      calls[i] = new ConcurrentHashMap<>();
      mixers[i] = new ConcurrentHashMap<>();
      threads[i] = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rtc2sip-media-clock-" + n);
        t.setDaemon(true);
        t.setPriority(Thread.MAX_PRIORITY);
        return t;
      });
      long[] expected = {0};
      threads[i].scheduleAtFixedRate(() -> tick(n, expected), 10, 10, TimeUnit.MILLISECONDS);
    }
  }

  void add(CallMedia media) {
    calls[slot(media.callId)].put(media.key, media);
  }

  void remove(CallMedia media) {
    calls[slot(media.callId)].remove(media.key, media);
  }

  /** Runs {@code mix} once per tick after the legs of call {@code callId}, on their thread. */
  void addMixer(String callId, Runnable mix) {
    mixers[slot(callId)].put(callId, mix);
  }

  void removeMixer(String callId) {
    mixers[slot(callId)].remove(callId);
  }

  long ticks() {
    return ticks.get();
  }

  long lateTicks() {
    return lateTicks.get();
  }

  private int slot(String callId) {
    return Math.floorMod(callId.hashCode(), threads.length);
  }

  private void tick(int n, long[] expected) {
    long now = System.nanoTime();
    if (expected[0] != 0 && now - expected[0] > PERIOD_NANOS / 2) {
      lateTicks.incrementAndGet();
    }
    expected[0] = (expected[0] == 0 ? now : expected[0]) + PERIOD_NANOS;
    if (now - expected[0] > 10 * PERIOD_NANOS) {
      expected[0] = now + PERIOD_NANOS; // far behind: resynchronise rather than burst
    }
    ticks.incrementAndGet();
    for (CallMedia media : calls[n].values()) {
      try {
        media.tick(now);
      } catch (RuntimeException e) {
        log.error("media of call {} failed and is stopped: {}", media.key, e.toString(), e);
        media.close();
        calls[n].remove(media.key, media);
      }
    }
    if (mixers[n].isEmpty()) {
      return; // no conference on this thread: nothing more per tick
    }
    for (Map.Entry<String, Runnable> mixer : mixers[n].entrySet()) {
      try {
        mixer.getValue().run();
      } catch (RuntimeException e) {
        log.error("conference mixer of call {} failed and is stopped: {}", mixer.getKey(),
            e.toString(), e);
        mixers[n].remove(mixer.getKey(), mixer.getValue());
      }
    }
  }

  @Override
  public void close() {
    for (ScheduledExecutorService t : threads) {
      t.shutdownNow();
    }
  }
}
