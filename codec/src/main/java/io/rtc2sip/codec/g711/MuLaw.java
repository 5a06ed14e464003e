package io.rtc2sip.codec.g711;

/**
 * ITU-T G.711 µ-law, table-driven. A 16-bit sample is first rounded to the nearest 14-bit value
 * (the G.711 µ-law input range, clipped at full scale), as sox does; decoding returns the centre
 * of each quantisation interval scaled to 16 bits.
 * Codes 0xFF and 0x7F are positive and negative zero:
 * both decode to 0, and 0 encodes to 0xFF.
 */
public final class MuLaw {

    private static final int BIAS = 0x84;
    private static final int CLIP = 8159;

    /** Decoded 16-bit value of each of the 256 codes. */
    private static final short[] DECODE = new short[256];
    /** Code of each 14-bit sample ({@code ((sample + 2) >> 2) + 8192}). */
    private static final byte[] ENCODE = new byte[16385];

    static {
        for (int code = 0; code < 256; code++) {
            DECODE[code] = (short) decodeReference(code);
        }
        for (int i = 0; i < ENCODE.length; i++) {
            ENCODE[i] = (byte) encodeReference(Math.min(i - 8192, 8191));
        }
    }

    private MuLaw() {
    }

    public static byte encode(short sample) {
        return ENCODE[((sample + 2) >> 2) + 8192];
    }

    public static short decode(byte code) {
        return DECODE[code & 0xFF];
    }

    public static void encode(short[] src, int srcOff, byte[] dst, int dstOff, int len) {
        byte[] table = ENCODE;
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = table[((src[srcOff + i] + 2) >> 2) + 8192];
        }
    }

    public static void decode(byte[] src, int srcOff, short[] dst, int dstOff, int len) {
        short[] table = DECODE;
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = table[src[srcOff + i] & 0xFF];
        }
    }

    /** G.711 µ-law compression of a 14-bit two's complement value (-8192..8191). */
    static int encodeReference(int pcm14) {
        int mask;
        int magnitude;
        if (pcm14 < 0) {
            mask = 0x7F;
            magnitude = -pcm14;
        } else {
            mask = 0xFF;
            magnitude = pcm14;
        }
        if (magnitude > CLIP) {
            magnitude = CLIP;
        }
        magnitude += BIAS >> 2;
        int segment = 0;
        int end = 0x3F;
        while (segment < 8 && magnitude > end) {
            segment++;
            end = (end << 1) | 1;
        }
        if (segment >= 8) {
            return 0x7F ^ mask;
        }
        return ((segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)) ^ mask;
    }

    /** G.711 µ-law expansion to a 16-bit value. */
    static int decodeReference(int code) {
        int v = ~code & 0xFF;
        int t = ((v & 0x0F) << 3) + BIAS;
        t <<= (v & 0x70) >> 4;
        return (v & 0x80) != 0 ? BIAS - t : t - BIAS;
    }
}
