package io.rtc2sip.codec.bench;

import java.util.Random;

/** Deterministic speech-like test audio for the benchmarks. */
final class Frames {

    private Frames() {
    }

    /** A voiced sound (150 Hz with harmonics) plus a little noise, at about -12 dBFS. */
    static short[] speech(int rate, int samples) {
        Random random = new Random(rate);
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) {
            double v = 0;
            for (int h = 1; h <= 20 && 150 * h < 3400; h++) {
                v += Math.sin(2 * Math.PI * 150 * h * i / rate + h) / h;
            }
            s[i] = (short) Math.round(3000 * v + 200 * random.nextGaussian());
        }
        return s;
    }
}
