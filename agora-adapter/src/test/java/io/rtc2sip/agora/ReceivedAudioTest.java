package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Received chunks of any size and rate become exact 10 ms frames of 48 kHz mono. */
class ReceivedAudioTest {

  private static byte[] pcm(short[] samples) {
    byte[] b = new byte[2 * samples.length];
    Pcm16.toLittleEndian(samples, b);
    return b;
  }

  private static short[] ramp(int from, int n) {
    short[] s = new short[n];
    for (int i = 0; i < n; i++) {
      s[i] = (short) (from + i);
    }
    return s;
  }

  private static List<short[]> drain(ReceivedAudio audio) {
    List<short[]> frames = new ArrayList<>();
    short[] f = new short[Pcm16.FRAME_SAMPLES];
    for (int i = 0; i < 1000 && audio.poll(f); i++) {
      frames.add(f.clone());
    }
    return frames;
  }

  @Test
  void oddSizedChunksAtFortyEightKilohertzAreResliced() {
    ReceivedAudio audio = new ReceivedAudio(20);
    int[] sizes = {336, 624, 1, 479, 960, 40}; // 7 ms, 13 ms, ... : 2440 samples in all
    int next = 0;
    for (int n : sizes) {
      audio.add(pcm(ramp(next, n)), 48_000, 1);
      next += n;
    }
    List<short[]> frames = drain(audio);
    assertEquals(next / Pcm16.FRAME_SAMPLES, frames.size());
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(ramp(i * Pcm16.FRAME_SAMPLES, Pcm16.FRAME_SAMPLES), frames.get(i),
          "frame " + i);
    }
    audio.add(pcm(ramp(next, 480 - next % 480)), 48_000, 1);
    assertEquals(1, drain(audio).size(), "the remainder completes with the next chunk");
  }

  @Test
  void sixteenKilohertzStereoBecomesFortyEightKilohertzMono() {
    ReceivedAudio audio = new ReceivedAudio(20);
    // 50 ms of a constant in both channels, as five 10 ms chunks of 160 stereo frames
    short[] stereo = new short[320];
    Arrays.fill(stereo, (short) 1000);
    for (int i = 0; i < 5; i++) {
      audio.add(pcm(stereo), 16_000, 2);
    }
    List<short[]> frames = drain(audio);
    assertEquals(5, frames.size(), "2400 samples at 48 kHz");
    short[] last = frames.get(4);
    for (short s : last) {
      assertEquals(1000, s);
    }
  }

  @Test
  void upsamplingIsTheSameWhateverTheChunking() {
    short[] tone = new short[1600]; // 100 ms at 16 kHz
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
    }
    ReceivedAudio whole = new ReceivedAudio(20);
    whole.add(pcm(tone), 16_000, 1);
    ReceivedAudio pieces = new ReceivedAudio(20);
    for (int at = 0, n = 1; at < tone.length; at += n, n = n % 97 + 13) {
      int len = Math.min(n, tone.length - at);
      pieces.add(pcm(Arrays.copyOfRange(tone, at, at + len)), 16_000, 1);
    }
    List<short[]> a = drain(whole);
    List<short[]> b = drain(pieces);
    assertEquals(10, a.size());
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "frame " + i);
    }
  }

  @Test
  void theChainDescribesItself() {
    ReceivedAudio audio = new ReceivedAudio(3);
    audio.add(new byte[640], 16_000, 1);
    assertEquals("copied PCM -> mono -> resample 16000 Hz to 48000 Hz"
        + " -> 10 ms frames (drop oldest)", audio.toString());
    audio.add(new byte[960], 48_000, 1);
    assertEquals("copied PCM -> mono -> 10 ms frames (drop oldest)", audio.toString());
  }

  @Test
  void aFullQueueDropsTheOldestFrames() {
    ReceivedAudio audio = new ReceivedAudio(3);
    for (int i = 0; i < 5; i++) {
      audio.add(pcm(ramp(i * 480, 480)), 48_000, 1);
    }
    assertEquals(2, audio.dropped());
    short[] f = new short[480];
    assertTrue(audio.poll(f));
    assertArrayEquals(ramp(2 * 480, 480), f, "the newest frames are kept");
  }

  @Test
  void chunksThatAreNotUsablePcmAreRejected() {
    ReceivedAudio audio = new ReceivedAudio(3);
    audio.add(new byte[960], 0, 1);
    audio.add(new byte[960], 48_000, 0);
    audio.add(null, 48_000, 1);
    audio.add(new byte[882], 44_100, 1); // a rate the codec's resampler does not convert
    assertEquals(4, audio.rejected());
    assertFalse(audio.poll(new short[480]));
  }
}
