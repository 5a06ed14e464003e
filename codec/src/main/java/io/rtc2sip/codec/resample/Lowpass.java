package io.rtc2sip.codec.resample;

/**
 * A linear-phase low-pass FIR at 48 kHz, designed as a Kaiser-windowed sinc. The two
 * designs used by the resamplers are constants: their coefficients are computed once and
 * never change.
 */
public final class Lowpass {

    /**
     * For 8 kHz: flat to 3.4 kHz, at least 60 dB down from 4.6 kHz (everything that would
     * alias into 300-3400 Hz at 8 kHz). 145 taps; delay 72 samples at 48 kHz (1.5 ms).
     */
    public static final Lowpass NARROWBAND = new Lowpass(145, 3900.0, 6.5, 48000);

    /**
     * For 16 kHz: flat to 7 kHz, at least 60 dB down from 9 kHz (everything that would alias
     * into 50-7000 Hz at 16 kHz). 91 taps; delay 45 samples at 48 kHz (0.9375 ms).
     */
    public static final Lowpass WIDEBAND = new Lowpass(91, 7750.0, 6.0, 48000);

    private final int taps;
    private final double cutoffHz;
    private final double beta;
    private final int sampleRate;
    private final double[] coefficients;

    Lowpass(int taps, double cutoffHz, double beta, int sampleRate) {
        if (taps % 2 == 0) {
            throw new IllegalArgumentException("odd length keeps the delay a whole number of samples");
        }
        this.taps = taps;
        this.cutoffHz = cutoffHz;
        this.beta = beta;
        this.sampleRate = sampleRate;
        this.coefficients = design(taps, cutoffHz / sampleRate, beta);
    }

    public int taps() {
        return taps;
    }

    public double cutoffHz() {
        return cutoffHz;
    }

    public double beta() {
        return beta;
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** Group delay in samples at {@link #sampleRate()}: (taps - 1) / 2. */
    public int delay() {
        return (taps - 1) / 2;
    }

    /** Coefficient {@code i} (0 ≤ i < taps), normalised to unit gain at 0 Hz. */
    public double coefficient(int i) {
        return coefficients[i];
    }

    /** Magnitude response in dB at {@code hz}, computed from the coefficients. */
    public double responseDb(double hz) {
        double w = 2 * Math.PI * hz / sampleRate;
        double re = 0;
        double im = 0;
        for (int i = 0; i < taps; i++) {
            re += coefficients[i] * Math.cos(w * i);
            im -= coefficients[i] * Math.sin(w * i);
        }
        return 10 * Math.log10(re * re + im * im);
    }

    private static double[] design(int taps, double cutoff, double beta) {
        double[] h = new double[taps];
        double centre = (taps - 1) / 2.0;
        double i0Beta = besselI0(beta);
        double sum = 0;
        for (int i = 0; i < taps; i++) {
            double t = i - centre;
            double sinc = t == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
            double r = t / centre;
            double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[i] = sinc * window;
            sum += h[i];
        }
        for (int i = 0; i < taps; i++) {
            h[i] /= sum;
        }
        return h;
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double half = x / 2;
        for (int k = 1; k < 50; k++) {
            term *= (half / k) * (half / k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        return "kaiser-sinc " + taps + " taps, fc " + (int) cutoffHz + " Hz, beta " + beta;
    }
}
