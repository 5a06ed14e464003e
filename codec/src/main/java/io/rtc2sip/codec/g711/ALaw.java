package io.rtc2sip.codec.g711;

/**
 * ITU-T G.711 A-law, table-driven. A 16-bit sample is first rounded to the nearest 13-bit value
 * (the G.711 A-law input range, clipped at full scale), as sox does; decoding returns the centre
 * of each quantisation interval scaled to 16 bits.
 */
public final class ALaw {

    /** Decoded 16-bit value of each of the 256 codes. */
    private static final short[] DECODE = new short[256];
    /** Code of each 13-bit sample ({@code ((sample + 4) >> 3) + 4096}). */
    private static final byte[] ENCODE = new byte[8193];

    static {
        for (int code = 0; code < 256; code++) {
            DECODE[code] = (short) decodeReference(code);
        }
        for (int i = 0; i < ENCODE.length; i++) {
            ENCODE[i] = (byte) encodeReference(Math.min(i - 4096, 4095));
        }
    }

    private ALaw() {
    }

    public static byte encode(short sample) {
        return ENCODE[((sample + 4) >> 3) + 4096];
    }

    public static short decode(byte code) {
        return DECODE[code & 0xFF];
    }

    public static void encode(short[] src, int srcOff, byte[] dst, int dstOff, int len) {
        byte[] table = ENCODE;
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = table[((src[srcOff + i] + 4) >> 3) + 4096];
        }
    }

    public static void decode(byte[] src, int srcOff, short[] dst, int dstOff, int len) {
        short[] table = DECODE;
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = table[src[srcOff + i] & 0xFF];
        }
    }

    /** G.711 A-law compression of a 13-bit two's complement value (-4096..4095). */
    static int encodeReference(int pcm13) {
        int mask;
        int magnitude;
        if (pcm13 >= 0) {
            mask = 0xD5; // sign bit set, even bits inverted
            magnitude = pcm13;
        } else {
            mask = 0x55;
            magnitude = -pcm13 - 1; // one's complement: symmetric intervals around zero
        }
        int segment = segmentOf(magnitude);
        if (segment >= 8) {
            return 0x7F ^ mask;
        }
        int mantissa = segment < 2 ? (magnitude >> 1) & 0x0F : (magnitude >> segment) & 0x0F;
        return ((segment << 4) | mantissa) ^ mask;
    }

    /** G.711 A-law expansion to a 16-bit value. */
    static int decodeReference(int code) {
        int v = code ^ 0x55;
        int t = (v & 0x0F) << 4;
        int segment = (v & 0x70) >> 4;
        if (segment == 0) {
            t += 8;
        } else {
            t += 0x108;
            t <<= segment - 1;
        }
        return (v & 0x80) != 0 ? t : -t;
    }

    private static int segmentOf(int magnitude) {
        int segment = 0;
        int end = 0x1F;
        while (segment < 8 && magnitude > end) {
            segment++;
            end = (end << 1) | 1;
        }
        return segment;
    }
}
