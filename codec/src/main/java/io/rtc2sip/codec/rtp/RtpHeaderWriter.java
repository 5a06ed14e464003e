package io.rtc2sip.codec.rtp;

/**
 * Writes RTP headers (RFC 3550 §5.1). A mutable, reusable description of the next header:
 * set the fields, then {@link #writeHeader} (payload written by the caller right after it)
 * or {@link #write} (header, payload and padding). Arguments are checked when set, so
 * writing cannot produce a malformed packet.
 */
public final class RtpHeaderWriter {

    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private int timestamp;
    private int ssrc;
    private final int[] csrc = new int[15];
    private int csrcCount;
    private int extensionProfile;
    private byte[] extensionData;
    private int extensionOffset;
    private int extensionLength = -1;
    private int paddingLength;

    public RtpHeaderWriter marker(boolean marker) {
        this.marker = marker;
        return this;
    }

    public RtpHeaderWriter payloadType(int payloadType) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType);
        }
        this.payloadType = payloadType;
        return this;
    }

    public RtpHeaderWriter sequenceNumber(int sequenceNumber) {
        if (sequenceNumber < 0 || sequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("sequence number " + sequenceNumber);
        }
        this.sequenceNumber = sequenceNumber;
        return this;
    }

    public RtpHeaderWriter timestamp(int timestamp) {
        this.timestamp = timestamp;
        return this;
    }

    public RtpHeaderWriter ssrc(int ssrc) {
        this.ssrc = ssrc;
        return this;
    }

    /** Sets the contributing sources (at most 15); none by default. */
    public RtpHeaderWriter csrcs(int[] sources, int count) {
        if (count < 0 || count > 15) {
            throw new IllegalArgumentException("CSRC count " + count);
        }
        System.arraycopy(sources, 0, csrc, 0, count);
        csrcCount = count;
        return this;
    }

    /**
     * A header extension: the 16-bit profile field and {@code length} bytes of data (a
     * multiple of 4, at most 4·65535). The data is read when the header is written.
     */
    public RtpHeaderWriter extension(int profile, byte[] data, int off, int length) {
        if (profile < 0 || profile > 0xFFFF || length < 0 || length % 4 != 0 || length > 4 * 0xFFFF) {
            throw new IllegalArgumentException("extension profile " + profile + " length " + length);
        }
        this.extensionProfile = profile;
        this.extensionData = data;
        this.extensionOffset = off;
        this.extensionLength = length;
        return this;
    }

    public RtpHeaderWriter noExtension() {
        this.extensionData = null;
        this.extensionLength = -1;
        return this;
    }

    /** Padding bytes appended by {@link #write} (1..255, the last one holding the count), or 0. */
    public RtpHeaderWriter padding(int bytes) {
        if (bytes < 0 || bytes > 255) {
            throw new IllegalArgumentException("padding " + bytes);
        }
        this.paddingLength = bytes;
        return this;
    }

    public int headerLength() {
        return RtpPacket.FIXED_HEADER + 4 * csrcCount + (extensionLength >= 0 ? 4 + extensionLength : 0);
    }

    /** Writes the header (without padding) and returns its length; the payload goes right after. */
    public int writeHeader(byte[] dst, int off) {
        return writeHeader(dst, off, false);
    }

    private int writeHeader(byte[] dst, int off, boolean padded) {
        boolean x = extensionLength >= 0;
        dst[off] = (byte) (0x80 | (padded ? 0x20 : 0) | (x ? 0x10 : 0) | csrcCount);
        dst[off + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        writeU16(dst, off + 2, sequenceNumber);
        writeI32(dst, off + 4, timestamp);
        writeI32(dst, off + 8, ssrc);
        int at = off + RtpPacket.FIXED_HEADER;
        for (int i = 0; i < csrcCount; i++, at += 4) {
            writeI32(dst, at, csrc[i]);
        }
        if (x) {
            writeU16(dst, at, extensionProfile);
            writeU16(dst, at + 2, extensionLength / 4);
            System.arraycopy(extensionData, extensionOffset, dst, at + 4, extensionLength);
            at += 4 + extensionLength;
        }
        return at - off;
    }

    /** Writes header, payload and padding; returns the packet length. */
    public int write(byte[] dst, int off, byte[] payload, int payloadOff, int payloadLen) {
        int at = off + writeHeader(dst, off, paddingLength > 0);
        System.arraycopy(payload, payloadOff, dst, at, payloadLen);
        at += payloadLen;
        if (paddingLength > 0) {
            for (int i = 0; i < paddingLength - 1; i++) {
                dst[at++] = 0;
            }
            dst[at++] = (byte) paddingLength;
        }
        return at - off;
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
