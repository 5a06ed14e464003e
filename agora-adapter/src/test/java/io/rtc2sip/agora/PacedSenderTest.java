package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing on an explicit clock: head start, then one frame per 10 ms, in order. */
class PacedSenderTest {
  private static final long MS = 1_000_000L;

  private final SampleRing queue = new SampleRing(Pcm16.FRAME_SAMPLES, 20);
  private final PacedSender sender = new PacedSender(queue, 3);
  private final FakeConnection sdk = new FakeConnection(null);
  private int published;

  private void publish(int frames) {
    for (int i = 0; i < frames; i++) {
      short[] f = new short[Pcm16.FRAME_SAMPLES];
      Arrays.fill(f, (short) published++);
      queue.write(f, 0, f.length);
    }
  }

  /** The frame numbers pushed so far, from their first sample. */
  private List<Integer> pushedFrames() {
    return sdk.pushed().stream().map(b -> (int) (short) ((b[0] & 0xFF) | (b[1] << 8))).toList();
  }

  @Test
  void waitsForTheHeadStartThenKeepsItAhead() {
    long t = 0;
    publish(2);
    assertEquals(0, sender.tick(t, sdk), "two frames are less than the head start");
    publish(1);
    assertEquals(3, sender.tick(t += 10 * MS, sdk), "the head start goes at once");
    for (int i = 0; i < 10; i++) {
      publish(1);
      assertEquals(1, sender.tick(t += 10 * MS, sdk), "then one frame per 10 ms");
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), pushedFrames());
    assertEquals(0, sender.underruns());
  }

  @Test
  void aLateTickCatchesUpWithoutGoingFurtherAhead() {
    long t = 0;
    publish(3);
    sender.tick(t, sdk);
    publish(3);
    // 25 ms late: 2.5 frames of the head start were played meanwhile
    assertEquals(3, sender.tick(t += 25 * MS, sdk));
    publish(3);
    assertEquals(0, sender.tick(t += MS, sdk), "3 frames ahead already");
    assertEquals(1, sender.tick(t += 9 * MS, sdk));
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), pushedFrames());
  }

  @Test
  void runningDryBuildsTheHeadStartAgain() {
    long t = 0;
    publish(3);
    sender.tick(t, sdk);
    assertEquals(0, sender.tick(t += 40 * MS, sdk), "nothing queued; the SDK ran dry");
    assertEquals(1, sender.underruns());
    publish(2);
    assertEquals(0, sender.tick(t += 10 * MS, sdk));
    publish(1);
    assertEquals(3, sender.tick(t += 10 * MS, sdk));
    assertEquals(List.of(0, 1, 2, 3, 4, 5), pushedFrames());
  }

  @Test
  void framesArePushedAsLittleEndianPcm() {
    short[] f = new short[Pcm16.FRAME_SAMPLES];
    f[0] = 0x1234;
    f[479] = -2;
    for (int i = 0; i < 3; i++) {
      queue.write(f, 0, f.length);
    }
    sender.tick(0, sdk);
    byte[] first = sdk.pushed().get(0);
    assertEquals(Pcm16.FRAME_BYTES, first.length);
    assertArrayEquals(new byte[] {0x34, 0x12}, Arrays.copyOf(first, 2));
    assertArrayEquals(new byte[] {-2, -1}, Arrays.copyOfRange(first, 958, 960));
  }

  @Test
  void aFailingPushDropsTheFrameAndPacingGoesOn() {
    sdk.pushOutcome = pcm -> {
      if (pcm[0] == 1) {
        throw new IllegalStateException("connection destroyed");
      }
      return pcm[0] == 2 ? -2 : 0;
    };
    publish(4);
    assertEquals(3, sender.tick(0, sdk));
    assertEquals(2, sender.failed());
    assertEquals(List.of(0), pushedFrames());
  }

  @Test
  void resetDropsStaleAudio() {
    publish(5);
    sender.reset();
    publish(3);
    sender.tick(0, sdk);
    assertEquals(List.of(5, 6, 7), pushedFrames());
  }
}
