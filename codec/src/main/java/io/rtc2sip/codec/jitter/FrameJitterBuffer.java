package io.rtc2sip.codec.jitter;

import io.rtc2sip.codec.rtp.RtpNumbers;
import java.util.Arrays;

/**
 * An adaptive jitter buffer for one incoming RTP stream of a codec that decodes whole packets
 * (Opus): packets are held by sequence number and handed out whole, in order, when the playout
 * reaches their timestamp. Where a packet is missing, the consumer conceals (its decoder's loss
 * concealment), and when the packet right after the gap is already here it is handed along, so a
 * codec with in-band redundancy (Opus FEC) can rebuild the lost one from it.
 *
 * <p>The target delay follows packet transit times as in {@link JitterBuffer} ({@link
 * TransitDelay}); once per pop the delay is nudged towards it: grown by concealing a frame
 * without moving the playout, shrunk (slowly) by skipping a packet.
 *
 * <p>Times are arguments (nanoseconds of a monotonic clock); nothing here reads a clock. Not
 * thread-safe: one consumer owns it. No allocation after construction.
 */
public final class FrameJitterBuffer {
  /** A sequence jump larger than this with the same SSRC means the sender restarted. */
  static final int MAX_SEQ_JUMP = 1000;
  /** Pops between two shrinking steps. */
  static final int SHRINK_EVERY_FRAMES = 20;
  /** With nothing ahead, missing audio is concealed this long after the last received. */
  static final int CONCEAL_LIMIT_MS = 60;
  private static final long EMPTY = Long.MIN_VALUE;

  private final JitterConfig config;
  private final int mask;
  private final int frame;
  private final long maxDelay;
  private final int concealLimit;
  private final TransitDelay timing;
  private final long[] slotSeq;
  private final long[] slotTs;
  private final int[] slotSamples;
  private final int[] slotLen;
  private final byte[] payloads;

  private boolean haveSource;
  private int ssrc;
  private long highestSeq;
  private long lastTs;
  private boolean started;
  private long nextSeq;
  private long playTs;
  private long lastAudioEnd;
  private long currentDelay;
  private int framesSinceShrink;

  private int lastSamples;
  private int lastLength;
  private boolean lastRedundant;

  private long pushed;
  private long popped;
  private long lost;
  private long late;
  private long duplicate;
  private long overflow;
  private long sourceChanges;
  private long stretched;
  private long dropped;

  public FrameJitterBuffer(JitterConfig config) {
    this.config = config;
    this.mask = config.slots() - 1;
    this.frame = config.samples(config.frameMs());
    this.maxDelay = config.samples(config.maxDelayMs());
    this.concealLimit = config.samples(CONCEAL_LIMIT_MS);
    this.timing = new TransitDelay(config.clockRate(), config.samples(config.minDelayMs()),
        maxDelay, frame);
    this.slotSeq = new long[config.slots()];
    this.slotTs = new long[config.slots()];
    this.slotSamples = new int[config.slots()];
    this.slotLen = new int[config.slots()];
    this.payloads = new byte[config.slots() * config.maxPayload()];
    Arrays.fill(slotSeq, EMPTY);
  }

  /**
   * Takes a packet of {@code samples} samples (its duration in RTP units); payloads longer than
   * the configured maximum are refused as {@link PushResult#OVERFLOW}.
   */
  public PushResult push(int ssrc, int seq, int ts, int samples, byte[] payload, int off, int len,
      long arrivalNanos) {
    if (len > config.maxPayload() || samples <= 0) {
      overflow++;
      return PushResult.OVERFLOW;
    }
    boolean restarted = false;
    long extSeq = haveSource ? RtpNumbers.extendSeq(seq, highestSeq) : seq;
    if (!haveSource || ssrc != this.ssrc || Math.abs(extSeq - highestSeq) > MAX_SEQ_JUMP) {
      if (haveSource) {
        sourceChanges++;
      }
      restart(ssrc, seq, ts);
      extSeq = seq;
      restarted = true;
    }
    long extTs = RtpNumbers.extendTs(ts, lastTs);
    int slot = (int) (extSeq & mask);
    if (slotSeq[slot] == extSeq) {
      duplicate++;
      return PushResult.DUPLICATE;
    }
    timing.update(extTs, arrivalNanos); // late packets too: they are why the delay must grow
    if (started && (extSeq < nextSeq || extTs + samples <= playTs)) {
      late++;
      return PushResult.LATE;
    }
    if (extSeq - nextSeq >= config.slots()) {
      overflow++;
      return PushResult.OVERFLOW;
    }
    if (!started && extSeq < nextSeq) {
      nextSeq = extSeq;
      playTs = Math.min(playTs, extTs);
    }
    slotSeq[slot] = extSeq;
    slotTs[slot] = extTs;
    slotSamples[slot] = samples;
    slotLen[slot] = len;
    System.arraycopy(payload, off, payloads, slot * config.maxPayload(), len);
    if (extSeq > highestSeq) {
      highestSeq = extSeq;
      lastTs = extTs;
    }
    pushed++;
    lastAudioEnd = Math.max(lastAudioEnd, extTs + samples);
    return restarted ? PushResult.RESTARTED : PushResult.ACCEPTED;
  }

  private void restart(int ssrc, int seq, int ts) {
    Arrays.fill(slotSeq, EMPTY);
    haveSource = true;
    this.ssrc = ssrc;
    highestSeq = seq;
    nextSeq = seq;
    lastTs = Integer.toUnsignedLong(ts);
    playTs = lastTs;
    lastAudioEnd = lastTs;
    started = false;
    timing.reset();
  }

  /**
   * The next stretch of the playout at {@code nowNanos}. {@link Playout#AUDIO}: a whole packet
   * was copied to {@code dst} ({@link #lastLength()} bytes, {@link #lastSamples()} samples).
   * {@link Playout#CONCEAL}: conceal {@link #lastSamples()} samples; when {@link
   * #lastRedundant()} the packet after the gap is in {@code dst} for in-band recovery (it is
   * handed out again in its turn). {@link Playout#SILENT}: nothing to play for {@link
   * #lastSamples()} samples.
   */
  public Playout pop(long nowNanos, byte[] dst) {
    lastSamples = frame;
    lastLength = 0;
    lastRedundant = false;
    if (!timing.haveTiming()) {
      return Playout.SILENT;
    }
    long remoteNow = timing.remoteNow(nowNanos);
    currentDelay = remoteNow - playTs;
    long target = timing.target();
    if (!started) {
      if (currentDelay < target) {
        lastSamples = (int) Math.max(1, Math.min(frame, target - currentDelay));
        return Playout.SILENT;
      }
      started = true;
    }
    framesSinceShrink++;
    if (currentDelay > maxDelay + 2L * frame) {
      // the consumer stalled or the sender jumped: resynchronise at once
      skipTo(remoteNow - target);
    } else if (currentDelay > target + frame && framesSinceShrink >= SHRINK_EVERY_FRAMES) {
      framesSinceShrink = 0;
      skipTo(playTs + frame);
    } else if (currentDelay < target - frame / 2) {
      stretched++;
      return Playout.CONCEAL; // grows the delay: the playout does not move
    }
    Playout result = next(dst);
    playTs += lastSamples;
    return result;
  }

  /** Moves the playout to {@code ts}, dropping what it passes. */
  private void skipTo(long ts) {
    dropped++;
    playTs = Math.max(playTs, ts);
    while (nextSeq <= highestSeq) {
      int slot = (int) (nextSeq & mask);
      if (slotSeq[slot] == nextSeq && slotTs[slot] >= playTs) {
        playTs = slotTs[slot]; // start at a packet boundary
        return;
      }
      nextSeq++;
    }
  }

  private Playout next(byte[] dst) {
    while (nextSeq <= highestSeq) {
      int slot = (int) (nextSeq & mask);
      if (slotSeq[slot] != nextSeq) {
        long later = nextPresent(nextSeq + 1);
        long laterTs = slotTs[(int) (later & mask)];
        if (laterTs <= playTs) {
          lost += later - nextSeq;
          nextSeq = later;
          continue;
        }
        lastSamples = (int) Math.min(frame, laterTs - playTs);
        if (laterTs - playTs <= frame) {
          copy((int) (later & mask), dst);
          lastRedundant = true;
        }
        return Playout.CONCEAL;
      }
      long ts = slotTs[slot];
      if (ts + slotSamples[slot] <= playTs) {
        nextSeq++; // wholly behind the playout (after a skip)
        continue;
      }
      if (ts > playTs) {
        // the sequence goes on but the timeline jumps: the sender paused (DTX)
        lastSamples = (int) Math.min(frame, ts - playTs);
        return Playout.SILENT;
      }
      copy(slot, dst);
      lastSamples = (int) (ts + slotSamples[slot] - playTs);
      nextSeq++;
      popped++;
      return Playout.AUDIO;
    }
    return playTs - lastAudioEnd >= concealLimit ? Playout.SILENT : Playout.CONCEAL;
  }

  private void copy(int slot, byte[] dst) {
    lastLength = slotLen[slot];
    System.arraycopy(payloads, slot * config.maxPayload(), dst, 0, lastLength);
  }

  /** The next present sequence number after {@code from} (there is one: highestSeq). */
  private long nextPresent(long from) {
    for (long s = from; s <= highestSeq; s++) {
      if (slotSeq[(int) (s & mask)] == s) {
        return s;
      }
    }
    return highestSeq;
  }

  /** Samples covered by the last {@link #pop}. */
  public int lastSamples() {
    return lastSamples;
  }

  /** Bytes copied by the last {@link #pop}. */
  public int lastLength() {
    return lastLength;
  }

  /** Whether the last concealment came with the next packet for in-band recovery. */
  public boolean lastRedundant() {
    return lastRedundant;
  }

  public double currentDelayMs() {
    return currentDelay * 1000.0 / config.clockRate();
  }

  public double targetDelayMs() {
    return timing.target() * 1000.0 / config.clockRate();
  }

  public JitterStats stats() {
    return new JitterStats(pushed, popped, lost, late, duplicate, overflow, sourceChanges,
        stretched, dropped, currentDelayMs(), targetDelayMs(), timing.peakMs());
  }

  @Override
  public String toString() {
    return "frame-jitter(adaptive " + config.minDelayMs() + "-" + config.maxDelayMs() + " ms, "
        + config.slots() + " packets)";
  }
}
