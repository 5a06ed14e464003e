package io.rtc2sip.tests.e2e;

import io.rtc2sip.codec.testing.ToneMeter;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.Baresip;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Tone generation and measurement at 48 kHz for the audio tests, and baresip's WAV files. */
public final class Tones {
  private static final int RATE = 48000;
  private static final int FRAME = LoopbackRtcClient.FRAME_SAMPLES;

  private Tones() {}

  /** Share of the signal's power at {@code hz}, 0..1 (codec's tone meter, at 48 kHz). */
  static double share(short[] s, double hz) {
    return ToneMeter.share(s, hz, RATE);
  }

  static double rms(short[] s) {
    return ToneMeter.rms(s);
  }

  /** The {@code frames} consecutive 10 ms frames with the most energy (skips silence and digits). */
  static short[] loudest(short[] s, int frames) {
    return ToneMeter.loudest(s, FRAME, frames);
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

  /** What the client hears in a call while it says something. */
  interface Listening {
    void heard(short[] audio) throws Exception;
  }

  /**
   * The client says {@code hz} into the call while it takes 1.5 s of what it hears to {@code
   * then} (which may go on in the call: digits, more listening); the tone stops after it.
   */
  static void sayWhileHearing(LoopbackRtcClient audio, double hz, Listening then)
      throws Exception {
    AtomicBoolean talking = new AtomicBoolean(true);
    Thread speaker = play(audio, hz, talking);
    try {
      then.heard(collect(audio, 150));
    } finally {
      talking.set(false);
      speaker.join();
    }
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

  /**
   * What baresip recorded of its call once it holds {@code samples}, or what it holds after
   * {@code within} (baresip completes the file when it has taken the BYE).
   */
  static short[] awaitRecording(Baresip phone, int samples, Duration within) {
    short[][] heard = {new short[0]};
    Until.holds(within, Until.checking(() -> { // another process's file
      Path recording = phone.recording();
      try {
        heard[0] = recording == null ? new short[0] : readWav(recording);
      } catch (javax.sound.sampled.UnsupportedAudioFileException | java.io.IOException e) {
        heard[0] = new short[0]; // header not written yet
      }
      return heard[0].length >= samples;
    }));
    return heard[0];
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
