package io.rtc2sip.codec.dtmf;

/**
 * The Goertzel filter: the strength of one frequency in a block of samples, one multiply-add
 * per sample, without a full DFT. The in-band DTMF detector measures the keypad tones with it;
 * the tests measure with it the tones a peer heard. No allocation.
 */
public final class Goertzel {

    private Goertzel() {
    }

    /** The filter's coefficient for {@code hz} in audio sampled at {@code rate}: 2·cos(2π·hz/rate). */
    public static double coefficient(double hz, int rate) {
        return 2 * Math.cos(2 * Math.PI * hz / rate);
    }

    /**
     * Squared magnitude |X|² of the coefficient's frequency in {@code samples[off, off + len)}, as
     * a DFT of the block would give it (N²A²/4 for a sine of amplitude A that fills the block
     * with whole cycles).
     */
    public static double power(float[] samples, int off, int len, double coefficient) {
        double s1 = 0;
        double s2 = 0;
        for (int i = off; i < off + len; i++) {
            double s = samples[i] + coefficient * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    }

    /** Amplitude of the component at the coefficient's frequency: 2·|X|/N. */
    public static double amplitude(float[] samples, int off, int len, double coefficient) {
        return 2 * Math.sqrt(Math.max(0, power(samples, off, len, coefficient))) / len;
    }
}
