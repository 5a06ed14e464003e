package io.rtc2sip.codec.testing;

import io.rtc2sip.codec.dtmf.Goertzel;
import java.util.Arrays;

/**
 * Measures test tones in PCM: the share of a signal's power at one frequency (the codec's
 * {@link Goertzel} filter), its RMS, and its loudest stretch. Shared by the tests of every
 * module that checks what a peer heard (codec's test-jar).
 */
public final class ToneMeter {

  private ToneMeter() {}

  /** Share of the power of {@code s} (sampled at {@code rate}) at {@code hz}, 0..1. */
  public static double share(short[] s, double hz, int rate) {
    float[] samples = new float[s.length];
    double total = 0;
    for (int i = 0; i < s.length; i++) {
      samples[i] = s[i];
      total += (double) s[i] * s[i];
    }
    double power = Goertzel.power(samples, 0, s.length, Goertzel.coefficient(hz, rate));
    return total == 0 ? 0 : 2 * power / (s.length * total);
  }

  /** Root mean square of {@code s}. */
  public static double rms(short[] s) {
    double sum = 0;
    for (short v : s) {
      sum += (double) v * v;
    }
    return s.length == 0 ? 0 : Math.sqrt(sum / s.length);
  }

  /**
   * The {@code frames} consecutive frames of {@code frameSamples} with the most energy (skips
   * silence and digits); all of {@code s} when it is shorter.
   */
  public static short[] loudest(short[] s, int frameSamples, int frames) {
    int n = s.length / frameSamples;
    if (n <= frames) {
      return s;
    }
    double best = -1;
    int at = 0;
    for (int start = 0; start + frames <= n; start++) {
      double e = 0;
      for (int i = start * frameSamples; i < (start + frames) * frameSamples; i++) {
        e += (double) s[i] * s[i];
      }
      if (e > best) {
        best = e;
        at = start;
      }
    }
    return Arrays.copyOfRange(s, at * frameSamples, (at + frames) * frameSamples);
  }

  /** {@code samples} of a sine at {@code hz} and {@code amplitude}, from sample {@code from}. */
  public static void sine(short[] out, double hz, int rate, double amplitude, long from) {
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * (from + i) / rate));
    }
  }
}
