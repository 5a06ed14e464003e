package io.rtc2sip.codec;

/** Test signals and measurements (double precision, independent of the code under test). */
public final class Signals {

    private Signals() {
    }

    public static short[] tone(double hz, double amplitude, int rate, int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** Amplitude of the component at {@code hz} in {@code s[from, to)} (quadrature correlation). */
    public static double amplitudeAt(short[] s, int from, int to, double hz, int rate) {
        double re = 0;
        double im = 0;
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * hz * i / rate;
            re += s[i] * Math.cos(w);
            im += s[i] * Math.sin(w);
        }
        int n = to - from;
        return 2 * Math.hypot(re, im) / n;
    }

    public static double rms(short[] s, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /**
     * Signal-to-noise ratio in dB of {@code actual[i + shift]} against {@code expected[i]} for
     * i in [from, to); infinite when they are identical.
     */
    public static double snrDb(short[] expected, short[] actual, int shift, int from, int to) {
        double signal = 0;
        double noise = 0;
        for (int i = from; i < to; i++) {
            double e = expected[i];
            double d = actual[i + shift] - e;
            signal += e * e;
            noise += d * d;
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    public static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    public static short[] concat(short[]... parts) {
        int n = 0;
        for (short[] p : parts) {
            n += p.length;
        }
        short[] all = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
