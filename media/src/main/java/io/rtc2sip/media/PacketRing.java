package io.rtc2sip.media;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Received datagrams on their way from the socket thread to the media clock: a bounded
 * single-producer single-consumer ring of preallocated slots, so no packet allocates. When the
 * clock falls behind and the ring is full, the newest packet is dropped and counted (a packet
 * lost inside the gateway).
 */
public final class PacketRing {
  public static final int MAX_PACKET = 1500;

  private final byte[][] data;
  private final int[] length;
  private final long[] arrival;
  private final SocketAddress[] source;
  private final int mask;
  private final AtomicLong head = new AtomicLong(); // next slot to read
  private final AtomicLong tail = new AtomicLong(); // next slot to write
  private final AtomicLong dropped = new AtomicLong();

  public PacketRing(int slotsPowerOfTwo) {
    if (Integer.bitCount(slotsPowerOfTwo) != 1) {
      throw new IllegalArgumentException("slots must be a power of two: " + slotsPowerOfTwo);
    }
    data = new byte[slotsPowerOfTwo][MAX_PACKET];
    length = new int[slotsPowerOfTwo];
    arrival = new long[slotsPowerOfTwo];
    source = new SocketAddress[slotsPowerOfTwo];
    mask = slotsPowerOfTwo - 1;
  }

  /** Producer: copies the buffer's remaining bytes; false (and counted) when full. */
  public boolean offer(ByteBuffer packet, SocketAddress from, long arrivalNanos) {
    long t = tail.get();
    if (t - head.get() > mask) {
      dropped.incrementAndGet();
      return false;
    }
    int i = (int) (t & mask);
    int n = Math.min(packet.remaining(), MAX_PACKET);
    packet.get(data[i], 0, n);
    length[i] = n;
    arrival[i] = arrivalNanos;
    source[i] = from;
    tail.lazySet(t + 1);
    return true;
  }

  /** Consumer: hands each queued packet to {@code sink}, oldest first. */
  public int drain(Sink sink) {
    long h = head.get();
    long t = tail.get();
    int n = 0;
    for (; h < t; h++, n++) {
      int i = (int) (h & mask);
      sink.packet(data[i], length[i], arrival[i], source[i]);
    }
    head.lazySet(h);
    return n;
  }

  public long dropped() {
    return dropped.get();
  }

  /** Receives drained packets; the array is reused after the call returns. */
  @FunctionalInterface
  public interface Sink {
    void packet(byte[] data, int length, long arrivalNanos, SocketAddress source);
  }
}
