package io.rtc2sip.tests.e2e;

import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import java.util.concurrent.atomic.AtomicBoolean;

/** Tone generation and measurement at 48 kHz for the audio tests. */
final class Tones {
  private static final int RATE = 48000;
  private static final int FRAME = LoopbackRtcClient.FRAME_SAMPLES;

  private Tones() {}

  /** Share of the signal's power at {@code hz} (Goertzel), 0..1. */
  static double share(short[] s, double hz) {
    double c = 2 * Math.cos(2 * Math.PI * hz / RATE);
    double s1 = 0;
    double s2 = 0;
    double total = 0;
    for (short v : s) {
      double s0 = v + c * s1 - s2;
      s2 = s1;
      s1 = s0;
      total += (double) v * v;
    }
    double power = s1 * s1 + s2 * s2 - c * s1 * s2;
    return total == 0 ? 0 : 2 * power / (s.length * total);
  }

  static double rms(short[] s) {
    double sum = 0;
    for (short v : s) {
      sum += (double) v * v;
    }
    return s.length == 0 ? 0 : Math.sqrt(sum / s.length);
  }

  /** The {@code frames} consecutive frames with the most energy (skips silence and digits). */
  static short[] loudest(short[] s, int frames) {
    int n = s.length / FRAME;
    if (n <= frames) {
      return s;
    }
    double best = -1;
    int at = 0;
    for (int start = 0; start + frames <= n; start++) {
      double e = 0;
      for (int i = start * FRAME; i < (start + frames) * FRAME; i++) {
        e += (double) s[i] * s[i];
      }
      if (e > best) {
        best = e;
        at = start;
      }
    }
    return java.util.Arrays.copyOfRange(s, at * FRAME, (at + frames) * FRAME);
  }

  /** Sends a continuous tone, one frame every 10 ms, while {@code on}. */
  static Thread play(LoopbackRtcClient client, double hz, AtomicBoolean on) {
    Thread t = new Thread(() -> {
      short[] frame = new short[FRAME];
      long n = 0;
      long start = System.nanoTime();
      for (int k = 0; on.get() && k < 3000; k++) {
        for (int i = 0; i < FRAME; i++, n++) {
          frame[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * n / RATE));
        }
        try {
          client.send(frame);
        } catch (java.io.IOException e) {
          return;
        }
        long due = start + (k + 1) * 10_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
    }, "tone-" + hz);
    t.start();
    return t;
  }
}
