package io.rtc2sip.codec.jitter;

import java.util.Arrays;

/**
 * The adaptive target delay of a jitter buffer, from packet transit times (the part both
 * {@link JitterBuffer} and {@link FrameJitterBuffer} share).
 *
 * <p>For each packet, transit = arrival (in RTP units) − timestamp. The smallest transit seen is
 * the path's base; the far end's "now" is our now minus that base. Packets that arrive later
 * than the fastest one show as extra transit; the peak extra transit over the last two windows
 * of 100 packets (ignoring the two largest of each window, so that a single spike does not set
 * it), plus one frame, is the target delay, bounded by the configuration. At the end of each
 * window its fastest packet becomes the base, which follows clock drift and route changes.
 *
 * <p>Times are arguments; no allocation after construction; not thread-safe.
 */
final class TransitDelay {
  static final int WINDOW_PACKETS = 100;
  /** The largest extra transits of a window not counted in its peak. */
  static final int OUTLIERS_IGNORED = 2;

  private final int clockRate;
  private final long minDelay;
  private final long maxDelay;
  private final long frame;
  private boolean haveTiming;
  private long baseTransit;
  private long windowMinTransit;
  private int windowPackets;
  /** The largest extra transits of the current window, largest first. */
  private final long[] windowTop = new long[OUTLIERS_IGNORED + 1];
  private long previousPeak;

  /** Delays in RTP units of {@code clockRate}. */
  TransitDelay(int clockRate, long minDelay, long maxDelay, long frame) {
    this.clockRate = clockRate;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.frame = frame;
  }

  /** Forgets the path (a new source). */
  void reset() {
    haveTiming = false;
  }

  boolean haveTiming() {
    return haveTiming;
  }

  /** A packet with extended timestamp {@code extTs} arrived at {@code arrivalNanos}. */
  void update(long extTs, long arrivalNanos) {
    long transit = toRtpUnits(arrivalNanos) - extTs;
    if (!haveTiming) {
      haveTiming = true;
      baseTransit = transit;
      windowMinTransit = transit;
      Arrays.fill(windowTop, 0);
      previousPeak = 0;
      windowPackets = 0;
    }
    baseTransit = Math.min(baseTransit, transit);
    windowMinTransit = Math.min(windowMinTransit, transit);
    rank(Math.min(transit - baseTransit, maxDelay));
    if (++windowPackets == WINDOW_PACKETS) {
      baseTransit = windowMinTransit;
      previousPeak = windowPeak();
      Arrays.fill(windowTop, 0);
      windowMinTransit = Long.MAX_VALUE;
      windowPackets = 0;
    }
  }

  private void rank(long extra) {
    for (int i = 0; i < windowTop.length; i++) {
      if (extra > windowTop[i]) {
        System.arraycopy(windowTop, i, windowTop, i + 1, windowTop.length - 1 - i);
        windowTop[i] = extra;
        return;
      }
    }
  }

  private long windowPeak() {
    return windowTop[OUTLIERS_IGNORED];
  }

  /** The far end's timeline position now (RTP units): our clock minus the base transit. */
  long remoteNow(long nowNanos) {
    return toRtpUnits(nowNanos) - baseTransit;
  }

  /** The target delay in RTP units: peak extra transit plus a frame, within the bounds. */
  long target() {
    long peak = Math.max(previousPeak, windowPeak());
    return Math.max(minDelay, Math.min(maxDelay, peak + frame));
  }

  /** The peak extra transit the target follows, in milliseconds. */
  double peakMs() {
    return Math.max(previousPeak, windowPeak()) * 1000.0 / clockRate;
  }

  long toRtpUnits(long nanos) {
    return Math.floorDiv(nanos, 1000L) * clockRate / 1_000_000L;
  }
}
