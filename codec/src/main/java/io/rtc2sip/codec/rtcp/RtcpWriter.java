package io.rtc2sip.codec.rtcp;

/**
 * Writes RTCP sender and receiver reports (RFC 3550 §6.4) followed by an SDES with the
 * CNAME, which together form the smallest valid compound packet (§6.1). Report blocks come
 * from {@link ReceiverStats}, one per received stream.
 */
public final class RtcpWriter {

    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private RtcpWriter() {
    }

    /** The 64-bit NTP timestamp of a wall-clock time given as nanoseconds since 1970. */
    public static long ntp(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, 1_000_000_000L);
        long nanos = Math.floorMod(unixNanos, 1_000_000_000L);
        long fraction = (nanos << 32) / 1_000_000_000L;
        return ((seconds + NTP_UNIX_OFFSET_SECONDS) << 32) | fraction;
    }

    /**
     * Writes an SR with one report block per entry of {@code sources} (at most 31), and
     * returns its length.
     */
    public static int senderReport(byte[] dst, int off, int ssrc, long ntp, int rtpTimestamp, long packets,
            long octets, ReceiverStats[] sources, int count, long nowNanos) {
        int at = header(dst, off, RtcpReport.SR, ssrc, count, RtcpReport.SENDER_INFO);
        writeI32(dst, at, (int) (ntp >>> 32));
        writeI32(dst, at + 4, (int) ntp);
        writeI32(dst, at + 8, rtpTimestamp);
        writeI32(dst, at + 12, (int) packets);
        writeI32(dst, at + 16, (int) octets);
        at += RtcpReport.SENDER_INFO;
        for (int i = 0; i < count; i++) {
            at += sources[i].writeReportBlock(dst, at, nowNanos);
        }
        return at - off;
    }

    /** Writes an RR with one report block per entry of {@code sources} (at most 31). */
    public static int receiverReport(byte[] dst, int off, int ssrc, ReceiverStats[] sources, int count,
            long nowNanos) {
        int at = header(dst, off, RtcpReport.RR, ssrc, count, 0);
        for (int i = 0; i < count; i++) {
            at += sources[i].writeReportBlock(dst, at, nowNanos);
        }
        return at - off;
    }

    /** Writes an SDES packet with a single chunk holding the CNAME (ASCII, at most 255 bytes). */
    public static int sdesCname(byte[] dst, int off, int ssrc, String cname) {
        int n = cname.length();
        if (n > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        // chunk: SSRC, type 1, length, text, then at least one zero byte, padded to 32 bits
        int chunk = 4 + 2 + n;
        int padded = (chunk + 1 + 3) & ~3;
        int words = 1 + padded / 4;
        dst[off] = (byte) 0x81;
        dst[off + 1] = (byte) 202;
        writeU16(dst, off + 2, words - 1);
        writeI32(dst, off + 4, ssrc);
        dst[off + 8] = 1;
        dst[off + 9] = (byte) n;
        for (int i = 0; i < n; i++) {
            dst[off + 10 + i] = (byte) cname.charAt(i);
        }
        for (int i = off + 4 + chunk; i < off + 4 + padded; i++) {
            dst[i] = 0;
        }
        return 4 * words;
    }

    private static int header(byte[] dst, int off, int pt, int ssrc, int count, int infoBytes) {
        if (count < 0 || count > 31) {
            throw new IllegalArgumentException("report count " + count);
        }
        int bytes = RtcpReport.HEADER + infoBytes + count * RtcpReport.BLOCK;
        dst[off] = (byte) (0x80 | count);
        dst[off + 1] = (byte) pt;
        writeU16(dst, off + 2, bytes / 4 - 1);
        writeI32(dst, off + 4, ssrc);
        return off + RtcpReport.HEADER;
    }

    static void writeU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void writeI32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
