package io.rtc2sip.codec.dtmf;

/**
 * The 4-byte RFC 4733 telephone-event payload: event code, end bit, volume (0-63, as
 * -dBm0) and duration in timestamp units from the event's RTP timestamp.
 */
public record TelephoneEvent(int event, boolean end, int volume, int duration) {

    public static final int LENGTH = 4;

    public TelephoneEvent {
        if (event < 0 || event > 255 || volume < 0 || volume > 63 || duration < 0 || duration > 0xFFFF) {
            throw new IllegalArgumentException("event " + event + " volume " + volume + " duration " + duration);
        }
    }

    /** Writes the payload at {@code dst[off]}; returns its length (4). */
    public static int write(byte[] dst, int off, int event, boolean end, int volume, int duration) {
        dst[off] = (byte) event;
        dst[off + 1] = (byte) ((end ? 0x80 : 0) | (volume & 0x3F));
        dst[off + 2] = (byte) (duration >>> 8);
        dst[off + 3] = (byte) duration;
        return LENGTH;
    }

    public int write(byte[] dst, int off) {
        return write(dst, off, event, end, volume, duration);
    }

    /**
     * Reads a payload, or returns null when there are fewer than 4 bytes. Only the first
     * event of a payload is read (RFC 4733 allows several; senders of DTMF put one).
     */
    public static TelephoneEvent read(byte[] src, int off, int len) {
        if (src == null || off < 0 || len < LENGTH || off > src.length - len) {
            return null;
        }
        int b1 = src[off + 1] & 0xFF;
        int duration = ((src[off + 2] & 0xFF) << 8) | (src[off + 3] & 0xFF);
        return new TelephoneEvent(src[off] & 0xFF, (b1 & 0x80) != 0, b1 & 0x3F, duration);
    }
}
