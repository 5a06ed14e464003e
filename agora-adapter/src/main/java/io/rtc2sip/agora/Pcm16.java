package io.rtc2sip.agora;

/** 16-bit PCM as Agora's server SDK exchanges it: signed, little-endian, interleaved. */
final class Pcm16 {
  /** The media bridge's format: 48 kHz mono, 10 ms frames. */
  static final int RATE = 48_000;
  static final int FRAME_SAMPLES = 480;
  static final int FRAME_BYTES = 2 * FRAME_SAMPLES;
  static final long FRAME_NANOS = 10_000_000L;

  private Pcm16() {}

  /** Writes {@code src} as little-endian bytes into {@code dst} (twice as long). */
  static void toLittleEndian(short[] src, byte[] dst) {
    for (int i = 0, j = 0; i < src.length; i++, j += 2) {
      short s = src[i];
      dst[j] = (byte) s;
      dst[j + 1] = (byte) (s >> 8);
    }
  }

  /**
   * Reads whole frames of {@code channels} interleaved little-endian samples from the first
   * {@code length} bytes of {@code src} and writes their mono mix (the mean of the channels)
   * into {@code dst}; returns the number of mono samples. A trailing partial frame is ignored.
   */
  static int toMono(byte[] src, int length, int channels, short[] dst) {
    int frames = length / (2 * channels);
    if (channels == 1) {
      for (int i = 0, j = 0; i < frames; i++, j += 2) {
        dst[i] = (short) ((src[j] & 0xFF) | (src[j + 1] << 8));
      }
      return frames;
    }
    for (int i = 0, j = 0; i < frames; i++) {
      int sum = 0;
      for (int c = 0; c < channels; c++, j += 2) {
        sum += (short) ((src[j] & 0xFF) | (src[j + 1] << 8));
      }
      dst[i] = (short) (sum / channels);
    }
    return frames;
  }
}
