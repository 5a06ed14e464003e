package io.rtc2sip.rtc.loopback;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Datagrams of the loopback RTC network (docs/rtc.md). Every datagram: magic {@code "R2L1"},
 * one type byte, channel and uid as (length byte, UTF-8); a FRAME adds a 32-bit sequence number
 * and 480 little-endian 16-bit samples (10 ms of 48 kHz mono). Public for tools that read the
 * network off the wire (a capture).
 */
public final class Wire {
  static final int MAGIC = 0x52324c31; // "R2L1"
  static final byte JOIN = 1;
  static final byte LEAVE = 2;
  public static final byte FRAME = 3;
  static final byte KEEPALIVE = 4;
  public static final int SAMPLES = 480;
  static final int MAX = 4 + 1 + 2 + 2 * 255 + 4 + 2 * SAMPLES;

  /** A parsed datagram; {@code samples} is valid for FRAME until the next parse. */
  public record Packet(byte type, String channel, String uid, int sequence) {}

  private Wire() {}

  static ByteBuffer encode(ByteBuffer b, byte type, String channel, String uid, int seq,
      short[] samples) {
    b.clear().order(ByteOrder.BIG_ENDIAN);
    b.putInt(MAGIC).put(type);
    putString(b, channel);
    putString(b, uid);
    if (type == FRAME) {
      b.putInt(seq);
      b.order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < SAMPLES; i++) {
        b.putShort(samples[i]);
      }
    }
    return b.flip();
  }

  /** The datagram in {@code b}, samples copied into {@code samples}; null when malformed. */
  public static Packet decode(ByteBuffer b, short[] samples) {
    try {
      b.order(ByteOrder.BIG_ENDIAN);
      if (b.remaining() < 7 || b.getInt() != MAGIC) {
        return null;
      }
      byte type = b.get();
      String channel = getString(b);
      String uid = getString(b);
      if (channel.isEmpty() || uid.isEmpty() || type < JOIN || type > KEEPALIVE) {
        return null;
      }
      int seq = 0;
      if (type == FRAME) {
        if (b.remaining() != 4 + 2 * SAMPLES) {
          return null;
        }
        seq = b.getInt();
        b.order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SAMPLES; i++) {
          samples[i] = b.getShort();
        }
      }
      return new Packet(type, channel, uid, seq);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 255) {
      throw new IllegalArgumentException("channel and uid have at most 255 bytes: " + s);
    }
    b.put((byte) bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer b) {
    int n = b.get() & 0xFF;
    byte[] bytes = new byte[n];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
