package io.rtc2sip.agora;

/**
 * A bounded FIFO of 16-bit samples read in fixed frames: writers append any number of samples,
 * the reader takes exactly one frame at a time. When a write does not fit, the oldest whole
 * frames are dropped (and counted), so the queue never delays audio by more than its capacity.
 * Thread-safe; no allocation after construction.
 */
final class SampleRing {
  private final int frame;
  private final short[] buf;
  private int head;
  private int size;
  private long dropped;

  SampleRing(int frameSamples, int capacityFrames) {
    if (frameSamples < 1 || capacityFrames < 1) {
      throw new IllegalArgumentException("a ring holds at least one frame of one sample");
    }
    this.frame = frameSamples;
    this.buf = new short[frameSamples * capacityFrames];
  }

  /** Appends {@code src[off, off + len)}, dropping the oldest frames if needed. */
  synchronized void write(short[] src, int off, int len) {
    if (len > buf.length) {
      int skip = ((len - buf.length + frame - 1) / frame) * frame;
      dropped += skip / frame;
      off += skip;
      len -= skip;
    }
    while (size + len > buf.length) {
      int drop = Math.min(frame, size);
      head = (head + drop) % buf.length;
      size -= drop;
      dropped++;
    }
    int tail = (head + size) % buf.length;
    int first = Math.min(len, buf.length - tail);
    System.arraycopy(src, off, buf, tail, first);
    System.arraycopy(src, off + first, buf, 0, len - first);
    size += len;
  }

  /** Moves the oldest frame into {@code dst}; false when less than a frame is queued. */
  synchronized boolean read(short[] dst) {
    if (size < frame) {
      return false;
    }
    int first = Math.min(frame, buf.length - head);
    System.arraycopy(buf, head, dst, 0, first);
    System.arraycopy(buf, 0, dst, first, frame - first);
    head = (head + frame) % buf.length;
    size -= frame;
    return true;
  }

  /** Whole frames queued. */
  synchronized int frames() {
    return size / frame;
  }

  synchronized void clear() {
    head = 0;
    size = 0;
  }

  /** Frames dropped because the ring was full. */
  synchronized long dropped() {
    return dropped;
  }
}
