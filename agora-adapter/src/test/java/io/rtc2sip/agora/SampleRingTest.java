package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampleRingTest {

  private static short[] ramp(int from, int n) {
    short[] s = new short[n];
    for (int i = 0; i < n; i++) {
      s[i] = (short) (from + i);
    }
    return s;
  }

  @Test
  void writesOfAnySizeAreReadAsWholeFramesInOrder() {
    SampleRing ring = new SampleRing(4, 3);
    ring.write(ramp(0, 3), 0, 3);
    short[] out = new short[4];
    assertFalse(ring.read(out), "less than a frame");
    ring.write(ramp(3, 6), 0, 6);
    assertEquals(2, ring.frames());
    assertTrue(ring.read(out));
    assertArrayEquals(ramp(0, 4), out);
    ring.write(ramp(9, 5), 0, 5); // wraps around the end of the buffer
    assertTrue(ring.read(out));
    assertArrayEquals(ramp(4, 4), out);
    assertTrue(ring.read(out));
    assertArrayEquals(ramp(8, 4), out);
    assertFalse(ring.read(out), "12 and 13 wait for the rest of their frame");
    assertEquals(0, ring.dropped());
  }

  @Test
  void overflowDropsTheOldestFramesAndCountsThem() {
    SampleRing ring = new SampleRing(2, 3);
    ring.write(ramp(0, 6), 0, 6);
    ring.write(ramp(6, 4), 0, 4);
    assertEquals(2, ring.dropped());
    short[] out = new short[2];
    for (int expected = 4; expected < 10; expected += 2) {
      assertTrue(ring.read(out));
      assertArrayEquals(ramp(expected, 2), out);
    }
    ring.write(ramp(100, 11), 0, 11); // more than fits at all: whole frames go until it fits
    assertEquals(5, ring.dropped());
    assertTrue(ring.read(out));
    assertArrayEquals(ramp(106, 2), out);
  }

  @Test
  void clearEmptiesTheRing() {
    SampleRing ring = new SampleRing(2, 2);
    ring.write(ramp(0, 4), 0, 4);
    ring.clear();
    assertEquals(0, ring.frames());
    assertFalse(ring.read(new short[2]));
  }

  @Test
  void littleEndianConversionRoundTrips() {
    short[] samples = {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE, 0x1234};
    byte[] bytes = new byte[12];
    Pcm16.toLittleEndian(samples, bytes);
    assertArrayEquals(new byte[] {0, 0, 1, 0, -1, -1, -1, 0x7F, 0, (byte) 0x80, 0x34, 0x12},
        bytes);
    short[] back = new short[6];
    assertEquals(6, Pcm16.toMono(bytes, bytes.length, 1, back));
    assertArrayEquals(samples, back);
  }

  @Test
  void stereoIsMixedToMono() {
    byte[] bytes = new byte[8];
    Pcm16.toLittleEndian(new short[] {100, 300, -50, -150}, bytes);
    short[] mono = new short[2];
    assertEquals(2, Pcm16.toMono(bytes, bytes.length, 2, mono));
    assertArrayEquals(new short[] {200, -100}, mono);
  }
}
