package io.rtc2sip.codec.rtp;

import java.nio.ByteBuffer;

/**
 * A parsed RTP packet (RFC 3550 §5.1): a reusable view over the bytes it was parsed from.
 * {@link #parse} fills it in place and never throws: a malformed packet gives a
 * {@link RtpParseResult} other than OK and leaves the view invalid. One instance per
 * receive thread, reused for every packet; the payload is read from {@link #buffer()}
 * between {@link #payloadOffset()} and {@code payloadOffset() + payloadLength()}.
 */
public final class RtpPacket {

    public static final int FIXED_HEADER = 12;

    private byte[] buffer;
    private int offset;
    private int length;
    private boolean padding;
    private boolean extension;
    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private int timestamp;
    private int ssrc;
    private int csrcCount;
    private int extensionProfile;
    private int extensionOffset;
    private int extensionLength;
    private int payloadOffset;
    private int payloadLength;
    private int paddingLength;
    private boolean valid;
    /** Holds packets parsed from direct buffers; allocated on first such use. */
    private byte[] copy;

    /** Parses {@code len} bytes at {@code buf[off]}. */
    public RtpParseResult parse(byte[] buf, int off, int len) {
        valid = false;
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return RtpParseResult.BAD_BOUNDS;
        }
        if (len < FIXED_HEADER) {
            return RtpParseResult.TOO_SHORT;
        }
        int b0 = buf[off] & 0xFF;
        if (b0 >> 6 != 2) {
            return RtpParseResult.BAD_VERSION;
        }
        int b1 = buf[off + 1] & 0xFF;
        int pt = b1 & 0x7F;
        if (pt >= 72 && pt <= 76) {
            return RtpParseResult.LOOKS_LIKE_RTCP;
        }
        int cc = b0 & 0x0F;
        int at = FIXED_HEADER + 4 * cc;
        if (at > len) {
            return RtpParseResult.CSRC_OVERRUN;
        }
        boolean x = (b0 & 0x10) != 0;
        int extOffset = 0;
        int extLength = 0;
        int profile = 0;
        if (x) {
            if (at + 4 > len) {
                return RtpParseResult.EXTENSION_OVERRUN;
            }
            profile = readU16(buf, off + at);
            extLength = 4 * readU16(buf, off + at + 2);
            extOffset = off + at + 4;
            at += 4 + extLength;
            if (at > len) {
                return RtpParseResult.EXTENSION_OVERRUN;
            }
        }
        boolean p = (b0 & 0x20) != 0;
        int pad = 0;
        if (p) {
            pad = buf[off + len - 1] & 0xFF;
            if (pad == 0 || pad > len - at) {
                return RtpParseResult.BAD_PADDING;
            }
        }
        this.buffer = buf;
        this.offset = off;
        this.length = len;
        this.padding = p;
        this.extension = x;
        this.marker = (b1 & 0x80) != 0;
        this.payloadType = pt;
        this.sequenceNumber = readU16(buf, off + 2);
        this.timestamp = readI32(buf, off + 4);
        this.ssrc = readI32(buf, off + 8);
        this.csrcCount = cc;
        this.extensionProfile = profile;
        this.extensionOffset = extOffset;
        this.extensionLength = extLength;
        this.payloadOffset = off + at;
        this.payloadLength = len - at - pad;
        this.paddingLength = pad;
        this.valid = true;
        return RtpParseResult.OK;
    }

    /**
     * Parses the remaining bytes of {@code packet} (position to limit), without moving its
     * position. Heap buffers are viewed in place; direct buffers are copied once into a
     * buffer this instance keeps.
     */
    public RtpParseResult parse(ByteBuffer packet) {
        if (packet == null) {
            valid = false;
            return RtpParseResult.BAD_BOUNDS;
        }
        int len = packet.remaining();
        if (packet.hasArray()) {
            return parse(packet.array(), packet.arrayOffset() + packet.position(), len);
        }
        if (copy == null || copy.length < len) {
            copy = new byte[Math.max(len, 1500)];
        }
        packet.get(packet.position(), copy, 0, len);
        return parse(copy, 0, len);
    }

    static int readU16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int readI32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    public boolean valid() {
        return valid;
    }

    public byte[] buffer() {
        return buffer;
    }

    /** Where the packet starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int version() {
        return 2;
    }

    public boolean padding() {
        return padding;
    }

    public boolean extension() {
        return extension;
    }

    public boolean marker() {
        return marker;
    }

    public int payloadType() {
        return payloadType;
    }

    /** 0..65535. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** The 32 bits of the timestamp; compare with {@link RtpNumbers}. */
    public int timestamp() {
        return timestamp;
    }

    public int ssrc() {
        return ssrc;
    }

    public int csrcCount() {
        return csrcCount;
    }

    public int csrc(int i) {
        if (i < 0 || i >= csrcCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return readI32(buffer, offset + FIXED_HEADER + 4 * i);
    }

    /** The 16-bit "defined by profile" field of the header extension (e.g. 0xBEDE, RFC 8285). */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Where the extension data (after its 4-byte header) starts in {@link #buffer()}. */
    public int extensionOffset() {
        return extensionOffset;
    }

    /** Length of the extension data in bytes (a multiple of 4). */
    public int extensionLength() {
        return extensionLength;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int paddingLength() {
        return paddingLength;
    }

    @Override
    public String toString() {
        if (!valid) {
            return "RtpPacket(invalid)";
        }
        return "RtpPacket(pt=" + payloadType + " seq=" + sequenceNumber + " ts=" + RtpNumbers.tsUnsigned(timestamp)
                + " ssrc=" + Integer.toHexString(ssrc) + (marker ? " M" : "") + " cc=" + csrcCount
                + (extension ? " ext=" + extensionLength : "") + " payload=" + payloadLength
                + (padding ? " pad=" + paddingLength : "") + ")";
    }
}
