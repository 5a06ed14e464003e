package io.rtc2sip.codec.rtcp;

import io.rtc2sip.codec.rtp.RtpNumbers;

/**
 * What a receiver knows about one RTP stream, kept as RFC 3550 Appendix A prescribes:
 * extended highest sequence number with wrap-around and restart detection (A.1), cumulative
 * and fractional loss (A.3), interarrival jitter (A.8) and the timing of the last SR, so that
 * a report block can be written from it. Arrival times are nanoseconds of any monotonic
 * clock; nothing here reads a clock.
 */
public final class ReceiverStats {

    static final int MAX_DROPOUT = 3000;
    static final int MAX_MISORDER = 100;

    private final int ssrc;
    private final int clockRate;
    private boolean started;
    private int maxSeq;
    private long cycles;
    private int baseSeq;
    private int badSeq = -1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private int lastTransit;
    private boolean haveTransit;
    /** Jitter scaled by 16 (A.8's integer form). */
    private long jitter16;
    private int lastSrMiddle;
    private long lastSrArrivalNanos;
    private boolean haveSr;

    public ReceiverStats(int ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    public int ssrc() {
        return ssrc;
    }

    /**
     * Accounts for a received packet. Returns false when the packet is far outside the
     * sequence (a jump of more than MAX_DROPOUT): it is not counted, but two such packets in a
     * row mean the sender restarted, and counting starts again from there.
     */
    public boolean onPacket(int seq, int rtpTimestamp, long arrivalNanos) {
        if (!started) {
            restart(seq);
            started = true;
        } else {
            int delta = (seq - maxSeq) & 0xFFFF;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += RtpNumbers.SEQ_MODULO;
                }
                maxSeq = seq;
            } else if (delta <= RtpNumbers.SEQ_MODULO - MAX_MISORDER) {
                if (seq != badSeq) {
                    badSeq = (seq + 1) & 0xFFFF;
                    return false;
                }
                restart(seq);
            }
            // else: a duplicate or a reordered packet, counted but not moving maxSeq
        }
        received++;
        updateJitter(rtpTimestamp, arrivalNanos);
        return true;
    }

    private void restart(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = -1;
        cycles = 0;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        haveTransit = false;
    }

    private void updateJitter(int rtpTimestamp, long arrivalNanos) {
        int arrival = (int) toRtpUnits(arrivalNanos);
        int transit = arrival - rtpTimestamp;
        if (haveTransit) {
            long d = Math.abs((long) (transit - lastTransit));
            jitter16 += d - ((jitter16 + 8) >> 4);
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private long toRtpUnits(long nanos) {
        return Math.floorDiv(nanos, 1000L) * clockRate / 1_000_000L;
    }

    /** Remembers an SR from this source, for LSR and DLSR in the next report block. */
    public void onSenderReport(int ntpMiddle, long arrivalNanos) {
        lastSrMiddle = ntpMiddle;
        lastSrArrivalNanos = arrivalNanos;
        haveSr = true;
    }

    public boolean started() {
        return started;
    }

    /** Cycles (multiples of 65536) plus the highest sequence number seen. */
    public long extendedHighestSeq() {
        return cycles + maxSeq;
    }

    public long expected() {
        return started ? extendedHighestSeq() - baseSeq + 1 : 0;
    }

    public long received() {
        return received;
    }

    /** Expected minus received since the start: negative when duplicates outnumber losses. */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Interarrival jitter in RTP timestamp units. */
    public long jitter() {
        return jitter16 >> 4;
    }

    public double jitterMillis() {
        return jitter() * 1000.0 / clockRate;
    }

    /**
     * Writes this stream's 24-byte report block and starts a new reporting interval (the
     * fraction lost is counted since the previous call).
     */
    public int writeReportBlock(byte[] dst, int off, long nowNanos) {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long lost = Math.max(-0x800000L, Math.min(0x7FFFFFL, cumulativeLost()));
        RtcpWriter.writeI32(dst, off, ssrc);
        dst[off + 4] = (byte) fraction;
        dst[off + 5] = (byte) (lost >> 16);
        dst[off + 6] = (byte) (lost >> 8);
        dst[off + 7] = (byte) lost;
        RtcpWriter.writeI32(dst, off + 8, (int) extendedHighestSeq());
        RtcpWriter.writeI32(dst, off + 12, (int) jitter());
        RtcpWriter.writeI32(dst, off + 16, haveSr ? lastSrMiddle : 0);
        long dlsr = haveSr ? ((nowNanos - lastSrArrivalNanos) << 16) / 1_000_000_000L : 0;
        RtcpWriter.writeI32(dst, off + 20, (int) Math.min(dlsr, 0xFFFFFFFFL));
        return RtcpReport.BLOCK;
    }

    @Override
    public String toString() {
        return "ReceiverStats(ssrc=" + Integer.toHexString(ssrc) + " highest=" + extendedHighestSeq() + " received="
                + received + " lost=" + cumulativeLost() + " jitter=" + jitter() + ")";
    }
}
