package io.rtc2sip.tests.e2e;

import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import java.util.concurrent.atomic.AtomicBoolean;

/** Tone generation and measurement at 48 kHz for the audio tests. */
public final class Tones {
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

  /** Up to {@code frames} frames from the client's receive queue (2 s without one: done). */
  static short[] collect(LoopbackRtcClient audio, int frames) throws InterruptedException {
    java.util.List<short[]> got = new java.util.ArrayList<>();
    for (int i = 0; i < frames; i++) {
      short[] f = audio.receive(2000);
      if (f == null) {
        break;
      }
      got.add(f);
    }
    short[] all = new short[got.size() * FRAME];
    for (int i = 0; i < got.size(); i++) {
      System.arraycopy(got.get(i), 0, all, i * FRAME, FRAME);
    }
    return all;
  }

  /** 8 kHz to the 48 kHz that Tones measures, by repeating samples (fine for a 1 kHz check). */
  static short[] upsample6(short[] s) {
    short[] out = new short[s.length * 6];
    for (int i = 0; i < out.length; i++) {
      out[i] = s[i / 6];
    }
    return out;
  }

  /** Writes {@code seconds} of a sine at {@code hz} as a mono 16-bit 8 kHz WAV. */
  public static void writeWav8k(java.nio.file.Path wav, double hz, int seconds) throws Exception {
    short[] s = new short[8000 * seconds];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 8000.0));
    }
    byte[] pcm = new byte[s.length * 2];
    java.nio.ByteBuffer.wrap(pcm).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(s);
    javax.sound.sampled.AudioSystem.write(new javax.sound.sampled.AudioInputStream(
        new java.io.ByteArrayInputStream(pcm),
        new javax.sound.sampled.AudioFormat(8000, 16, 1, true, false), s.length),
        javax.sound.sampled.AudioFileFormat.Type.WAVE, wav.toFile());
  }

  /** The samples of a 16-bit mono WAV (empty while its writer has not finished it). */
  static short[] readWav(java.nio.file.Path wav) throws Exception {
    if (java.nio.file.Files.size(wav) < 44) {
      return new short[0];
    }
    try (var in = javax.sound.sampled.AudioSystem.getAudioInputStream(wav.toFile())) {
      byte[] b = in.readAllBytes();
      short[] s = new short[b.length / 2];
      java.nio.ByteBuffer.wrap(b).order(in.getFormat().isBigEndian()
          ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN)
          .asShortBuffer().get(s);
      return s;
    }
  }
}
