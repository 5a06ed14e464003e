package io.rtc2sip.codec.rtcp;

/**
 * A parsed RTCP sender or receiver report (RFC 3550 §6.4): a reusable view over the first
 * SR or RR of a compound packet. {@link #parse} walks every packet of the compound (SDES,
 * BYE, APP… are checked for length and skipped) and never throws; a malformed compound gives
 * a {@link RtcpParseResult} other than OK and leaves the view invalid.
 */
public final class RtcpReport {

    public static final int SR = 200;
    public static final int RR = 201;
    static final int HEADER = 8;
    static final int SENDER_INFO = 20;
    static final int BLOCK = 24;

    private byte[] buf;
    private boolean valid;
    private boolean sender;
    private int ssrc;
    private int reportCount;
    private int senderInfoAt;
    private int blocksAt;

    public RtcpParseResult parse(byte[] b, int off, int len) {
        valid = false;
        if (b == null || off < 0 || len < 0 || off > b.length - len) {
            return RtcpParseResult.BAD_BOUNDS;
        }
        if (len < 4) {
            return RtcpParseResult.TOO_SHORT;
        }
        int at = off;
        int end = off + len;
        boolean found = false;
        while (at < end) {
            if (end - at < 4) {
                return RtcpParseResult.TOO_SHORT;
            }
            int b0 = b[at] & 0xFF;
            if (b0 >> 6 != 2) {
                return RtcpParseResult.BAD_VERSION;
            }
            int pt = b[at + 1] & 0xFF;
            int bytes = 4 * (readU16(b, at + 2) + 1);
            if (bytes > end - at) {
                return RtcpParseResult.BAD_LENGTH;
            }
            int body = bytes;
            if ((b0 & 0x20) != 0) {
                int pad = b[at + bytes - 1] & 0xFF;
                if (pad == 0 || pad > bytes - 4) {
                    return RtcpParseResult.BAD_PADDING;
                }
                body -= pad;
            }
            if (!found && (pt == SR || pt == RR)) {
                int count = b0 & 0x1F;
                int info = pt == SR ? SENDER_INFO : 0;
                if (body < HEADER + info + count * BLOCK) {
                    return RtcpParseResult.REPORT_TOO_SHORT;
                }
                this.sender = pt == SR;
                this.ssrc = readI32(b, at + 4);
                this.reportCount = count;
                this.senderInfoAt = at + HEADER;
                this.blocksAt = at + HEADER + info;
                found = true;
            }
            at += bytes;
        }
        if (!found) {
            return RtcpParseResult.NO_REPORT;
        }
        this.buf = b;
        this.valid = true;
        return RtcpParseResult.OK;
    }

    public boolean valid() {
        return valid;
    }

    /** True for a sender report (SR), false for a receiver report (RR). */
    public boolean sender() {
        return sender;
    }

    /** SSRC of the packet's sender. */
    public int ssrc() {
        return ssrc;
    }

    /** The 64-bit NTP timestamp of an SR (seconds since 1900 in the high 32 bits). */
    public long ntpTimestamp() {
        requireSender();
        return ((long) readI32(buf, senderInfoAt) << 32) | (readI32(buf, senderInfoAt + 4) & 0xFFFFFFFFL);
    }

    /** The middle 32 bits of the NTP timestamp: what a receiver echoes as LSR. */
    public int ntpMiddle() {
        return (int) (ntpTimestamp() >>> 16);
    }

    public int rtpTimestamp() {
        requireSender();
        return readI32(buf, senderInfoAt + 8);
    }

    public long packetCount() {
        requireSender();
        return readI32(buf, senderInfoAt + 12) & 0xFFFFFFFFL;
    }

    public long octetCount() {
        requireSender();
        return readI32(buf, senderInfoAt + 16) & 0xFFFFFFFFL;
    }

    public int reportCount() {
        return reportCount;
    }

    /** SSRC of the source that report block {@code i} is about. */
    public int blockSsrc(int i) {
        return readI32(buf, block(i));
    }

    /** Fraction of packets lost since the previous report, in 1/256. */
    public int blockFractionLost(int i) {
        return buf[block(i) + 4] & 0xFF;
    }

    /** Cumulative number of packets lost (signed 24 bits: duplicates can make it negative). */
    public int blockCumulativeLost(int i) {
        int at = block(i) + 5;
        int v = ((buf[at] & 0xFF) << 16) | ((buf[at + 1] & 0xFF) << 8) | (buf[at + 2] & 0xFF);
        return (v << 8) >> 8;
    }

    public long blockExtendedHighestSeq(int i) {
        return readI32(buf, block(i) + 8) & 0xFFFFFFFFL;
    }

    /** Interarrival jitter in RTP timestamp units. */
    public long blockJitter(int i) {
        return readI32(buf, block(i) + 12) & 0xFFFFFFFFL;
    }

    public int blockLastSr(int i) {
        return readI32(buf, block(i) + 16);
    }

    /** Delay since the last SR, in 1/65536 s. */
    public long blockDelaySinceLastSr(int i) {
        return readI32(buf, block(i) + 20) & 0xFFFFFFFFL;
    }

    private int block(int i) {
        if (!valid || i < 0 || i >= reportCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return blocksAt + i * BLOCK;
    }

    private void requireSender() {
        if (!valid || !sender) {
            throw new IllegalStateException("not a sender report");
        }
    }

    static int readU16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int readI32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    @Override
    public String toString() {
        if (!valid) {
            return "RtcpReport(invalid)";
        }
        return "RtcpReport(" + (sender ? "SR" : "RR") + " ssrc=" + Integer.toHexString(ssrc) + " blocks=" + reportCount + ")";
    }
}
