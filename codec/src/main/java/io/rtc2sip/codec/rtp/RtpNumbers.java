package io.rtc2sip.codec.rtp;

/**
 * The one place where RTP sequence numbers (16 bits) and timestamps (32 bits) wrap around.
 * Sequence numbers are ints in 0..65535; timestamps are ints holding the 32 bits (compare
 * them only through these methods). Differences are taken modulo 2^16 or 2^32 and read as
 * signed: "a is after b" means "a is less than half the number space ahead of b".
 */
public final class RtpNumbers {

    public static final int SEQ_MODULO = 1 << 16;

    private RtpNumbers() {
    }

    /** {@code a - b} modulo 2^16, in -32768..32767. */
    public static int seqDiff(int a, int b) {
        return (short) (a - b);
    }

    /** True when a comes after b (less than half the sequence space ahead). */
    public static boolean seqAfter(int a, int b) {
        return seqDiff(a, b) > 0;
    }

    /** {@code s + n} modulo 2^16. */
    public static int seqAdd(int s, int n) {
        return (s + n) & 0xFFFF;
    }

    public static int seqNext(int s) {
        return (s + 1) & 0xFFFF;
    }

    /** {@code a - b} modulo 2^32, read as signed. */
    public static int tsDiff(int a, int b) {
        return a - b;
    }

    /** True when timestamp a is after b (less than half the timestamp space ahead). */
    public static boolean tsAfter(int a, int b) {
        return a - b > 0;
    }

    /** {@code ts + n} modulo 2^32. */
    public static int tsAdd(int ts, int n) {
        return ts + n;
    }

    /** The timestamp as the unsigned number it is on the wire. */
    public static long tsUnsigned(int ts) {
        return Integer.toUnsignedLong(ts);
    }

    /**
     * Extends a 16-bit sequence number to 64 bits, choosing the value nearest to
     * {@code reference} (an extended sequence number seen before). Unwraps forward and
     * backward across 65535 → 0.
     */
    public static long extendSeq(int seq, long reference) {
        return reference + seqDiff(seq, (int) (reference & 0xFFFF));
    }

    /** Extends a 32-bit timestamp to 64 bits, choosing the value nearest to {@code reference}. */
    public static long extendTs(int ts, long reference) {
        return reference + tsDiff(ts, (int) reference);
    }
}
