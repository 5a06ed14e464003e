package io.rtc2sip.tests.bench.fuzz;

import java.util.Random;

/**
 * Datagrams for media ports from foreign sources, deterministic from a seed: valid RTP of the
 * G.711 and telephone-event payload types, RTP of other types, RTCP reports and BYEs, STUN
 * binding requests, DTLS-looking records, and random bytes of every length.
 */
final class MediaNoise {
  private final Random random;

  MediaNoise(long seed) {
    this.random = new Random(seed);
  }

  byte[] next(int n) {
    return switch (random.nextInt(7)) {
      case 0, 1 -> rtp(n, random.nextBoolean() ? 0 : 8);
      case 2 -> rtp(n, random.nextBoolean() ? 101 : random.nextInt(128));
      case 3 -> rtcp();
      case 4 -> stun();
      case 5 -> dtls();
      default -> {
        byte[] b = new byte[random.nextInt(1500)];
        random.nextBytes(b);
        yield b;
      }
    };
  }

  private byte[] rtp(int n, int payloadType) {
    byte[] p = new byte[12 + (random.nextInt(4) == 0 ? random.nextInt(1400) : 160)];
    p[0] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : 0x80);
    p[1] = (byte) ((random.nextBoolean() ? 0x80 : 0) | payloadType);
    p[2] = (byte) (n >> 8);
    p[3] = (byte) n;
    for (int i = 4; i < p.length; i++) { // timestamp, SSRC, payload
      p[i] = (byte) random.nextInt(256);
    }
    p[0] = (byte) (p[0] & 0xF0 | (random.nextInt(8) == 0 ? random.nextInt(16) : 0));
    return p;
  }

  private byte[] rtcp() {
    byte[] p = new byte[8 + 4 * random.nextInt(40)];
    random.nextBytes(p);
    p[0] = (byte) (0x80 | random.nextInt(32));
    p[1] = (byte) (200 + random.nextInt(8));
    int words = p.length / 4 - 1;
    if (random.nextBoolean()) {
      words = random.nextInt(65536);
    }
    p[2] = (byte) (words >> 8);
    p[3] = (byte) words;
    return p;
  }

  private byte[] stun() {
    byte[] p = new byte[20 + 4 * random.nextInt(20)];
    random.nextBytes(p);
    p[0] = 0;
    p[1] = 1; // binding request
    int len = p.length - 20;
    p[2] = (byte) (len >> 8);
    p[3] = (byte) len;
    p[4] = 0x21;
    p[5] = 0x12;
    p[6] = (byte) 0xA4;
    p[7] = 0x42;
    return p;
  }

  private byte[] dtls() {
    byte[] p = new byte[13 + random.nextInt(300)];
    random.nextBytes(p);
    p[0] = (byte) (20 + random.nextInt(4));
    p[1] = (byte) 0xFE;
    p[2] = (byte) 0xFD;
    return p;
  }
}
