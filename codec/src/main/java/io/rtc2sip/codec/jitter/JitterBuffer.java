package io.rtc2sip.codec.jitter;

import io.rtc2sip.codec.rtp.RtpNumbers;
import io.rtc2sip.codec.rtp.RtpPacket;
import java.util.Arrays;

/**
 * An adaptive jitter buffer for one incoming RTP stream whose payload is one byte per sample
 * (G.711). Packets are held by sequence number; playout follows the RTP timeline.
 *
 * <p>Timing: the target delay comes from packet transit times ({@link TransitDelay}); the
 * playout position trails the far end's "now" by the current delay. Once per frame the
 * delay is nudged one frame towards the target: grown by concealing a frame without moving
 * the playout position, shrunk (slowly) by skipping a frame.
 *
 * <p>Times are arguments (nanoseconds of a monotonic clock): nothing here reads a clock or
 * sleeps. Not thread-safe: one receive pipeline owns it. No allocation after construction.
 */
public final class JitterBuffer {

    /** A sequence jump larger than this with the same SSRC means the sender restarted. */
    static final int MAX_SEQ_JUMP = 1000;
    /** Frames between two shrinking steps (growing is not held back). */
    static final int SHRINK_EVERY_FRAMES = 20;
    /** With nothing ahead, missing audio is concealed this long after the last received, then silent. */
    static final int CONCEAL_LIMIT_MS = 60;
    private static final long EMPTY = Long.MIN_VALUE;

    private final JitterConfig config;
    private final int mask;
    private final int frame;
    private final int minDelay;
    private final int maxDelay;
    private final int concealLimit;
    private final long[] slotSeq;
    private final long[] slotTs;
    private final int[] slotLen;
    private final byte[] payloads;

    private boolean haveSource;
    private int ssrc;
    private long highestSeq;
    private long lastTs;
    private boolean started;
    /** Lowest sequence number not yet played or passed. */
    private long nextSeq;
    /** Next timestamp to hand out. */
    private long playTs;
    private final TransitDelay timing;
    private int samplesSinceCheck;
    private int framesSinceShrink;
    private long currentDelay;
    /** End of the latest audio received, on the timeline. */
    private long lastAudioEnd;
    private int lastCount;

    private long pushed;
    private long popped;
    private long lost;
    private long late;
    private long duplicate;
    private long overflow;
    private long sourceChanges;
    private long stretched;
    private long dropped;

    public JitterBuffer(JitterConfig config) {
        this.config = config;
        this.mask = config.slots() - 1;
        this.frame = config.samples(config.frameMs());
        this.minDelay = config.samples(config.minDelayMs());
        this.maxDelay = config.samples(config.maxDelayMs());
        this.concealLimit = config.samples(CONCEAL_LIMIT_MS);
        this.slotSeq = new long[config.slots()];
        this.slotTs = new long[config.slots()];
        this.slotLen = new int[config.slots()];
        this.payloads = new byte[config.slots() * config.maxPayload()];
        this.timing = new TransitDelay(config.clockRate(), minDelay, maxDelay, frame);
        Arrays.fill(slotSeq, EMPTY);
    }

    public PushResult push(RtpPacket p, long arrivalNanos) {
        return push(p.ssrc(), p.sequenceNumber(), p.timestamp(), p.buffer(), p.payloadOffset(), p.payloadLength(),
                arrivalNanos);
    }

    /**
     * Takes a packet whose payload is one byte per sample. A payload of length 0 marks a
     * sequence number used by something else on the stream (for example a DTMF event): it
     * fills its place in the sequence but holds no audio and does not count for timing.
     */
    public PushResult push(int ssrc, int seq, int ts, byte[] payload, int off, int len, long arrivalNanos) {
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
        if (len > 0) {
            // late packets too: they are the evidence that the delay must grow
            timing.update(extTs, arrivalNanos);
        }
        if (started && (extSeq < nextSeq || (len > 0 && extTs + len <= playTs))) {
            if (len > 0) {
                late++;
            }
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
        int n = Math.min(len, config.maxPayload());
        slotSeq[slot] = extSeq;
        slotTs[slot] = extTs;
        slotLen[slot] = n;
        System.arraycopy(payload, off, payloads, slot * config.maxPayload(), n);
        if (extSeq > highestSeq) {
            highestSeq = extSeq;
            lastTs = extTs;
        }
        if (len > 0) {
            pushed++;
            lastAudioEnd = Math.max(lastAudioEnd, extTs + n);
        }
        return restarted ? PushResult.RESTARTED : PushResult.ACCEPTED;
    }

    private void restart(int ssrc, int seq, int ts) {
        Arrays.fill(slotSeq, EMPTY);
        this.haveSource = true;
        this.ssrc = ssrc;
        this.highestSeq = seq;
        this.nextSeq = seq;
        this.lastTs = Integer.toUnsignedLong(ts);
        this.playTs = lastTs;
        this.lastAudioEnd = lastTs;
        this.started = false;
        timing.reset();
    }

    /** The target delay in RTP units. */
    long targetDelay() {
        return timing.target();
    }

    /**
     * Hands out up to {@code max} samples of the playout timeline at {@code dst[off]}: either
     * received audio, or a stretch to conceal, or silence. {@link #lastCount()} tells how many
     * samples the call covered (written only for {@link Playout#AUDIO}); call again for the
     * rest of a frame.
     */
    public Playout pop(long nowNanos, byte[] dst, int off, int max) {
        lastCount = max;
        if (!timing.haveTiming()) {
            return Playout.SILENT;
        }
        long remoteNow = timing.remoteNow(nowNanos);
        currentDelay = remoteNow - playTs;
        long target = targetDelay();
        if (!started) {
            if (currentDelay < target) {
                return Playout.SILENT;
            }
            started = true;
            samplesSinceCheck = frame;
        }
        if (samplesSinceCheck >= frame) {
            samplesSinceCheck = 0;
            framesSinceShrink++;
            if (currentDelay > maxDelay + 2L * frame) {
                // the consumer stalled or the sender jumped: resynchronise at once
                playTs = remoteNow - target;
                dropped++;
            } else if (currentDelay > target + frame && framesSinceShrink >= SHRINK_EVERY_FRAMES) {
                playTs += frame;
                framesSinceShrink = 0;
                dropped++;
            } else if (currentDelay < target - frame / 2) {
                lastCount = Math.min(max, frame);
                samplesSinceCheck += lastCount;
                stretched++;
                return Playout.CONCEAL;
            }
        }
        Playout result = next(dst, off, max);
        samplesSinceCheck += lastCount;
        playTs += lastCount;
        return result;
    }

    private Playout next(byte[] dst, int off, int max) {
        while (nextSeq <= highestSeq) {
            int slot = (int) (nextSeq & mask);
            if (slotSeq[slot] != nextSeq) {
                long later = nextPresent(nextSeq + 1);
                if (later != EMPTY && slotTs[(int) (later & mask)] <= playTs) {
                    lost += later - nextSeq;
                    nextSeq = later;
                    continue;
                }
                lastCount = later == EMPTY ? max : (int) Math.min(max, Math.max(1, slotTs[(int) (later & mask)] - playTs));
                return Playout.CONCEAL;
            }
            long ts = slotTs[slot];
            int len = slotLen[slot];
            if (len == 0 || ts + len <= playTs) {
                nextSeq++;
                continue;
            }
            if (ts > playTs) {
                // sequence continues but the timeline jumps: the sender paused (silence suppression)
                lastCount = (int) Math.min(max, ts - playTs);
                return Playout.SILENT;
            }
            int from = (int) (playTs - ts);
            int n = Math.min(max, len - from);
            System.arraycopy(payloads, slot * config.maxPayload() + from, dst, off, n);
            lastCount = n;
            if (from + n == len) {
                nextSeq++;
                popped++;
            }
            return Playout.AUDIO;
        }
        // nothing ahead: a loss or the far end went quiet; after a while, call it quiet
        return playTs - lastAudioEnd >= concealLimit ? Playout.SILENT : Playout.CONCEAL;
    }

    private long nextPresent(long from) {
        for (long s = from; s <= highestSeq; s++) {
            if (slotSeq[(int) (s & mask)] == s) {
                return s;
            }
        }
        return EMPTY;
    }

    /** Samples covered by the last {@link #pop}. */
    public int lastCount() {
        return lastCount;
    }

    public boolean started() {
        return started;
    }

    public double currentDelayMs() {
        return currentDelay * 1000.0 / config.clockRate();
    }

    public double targetDelayMs() {
        return targetDelay() * 1000.0 / config.clockRate();
    }

    public JitterStats stats() {
        double peakMs = timing.peakMs();
        return new JitterStats(pushed, popped, lost, late, duplicate, overflow, sourceChanges, stretched, dropped,
                currentDelayMs(), targetDelayMs(), peakMs);
    }

    @Override
    public String toString() {
        return "jitter(adaptive " + config.minDelayMs() + "-" + config.maxDelayMs() + " ms, " + config.slots()
                + " packets)";
    }
}
