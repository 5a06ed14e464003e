package io.rtc2sip.codec.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.testing.ToneMeter;
import org.junit.jupiter.api.Test;

/** The Goertzel filter against tones of known frequency and a plain DFT term. */
class GoertzelTest {

    @Test
    void aToneIsAllAtItsFrequencyAndNothingAtAnother() {
        short[] tone = Signals.tone(1000, 8000, 8000, 800); // 100 whole cycles
        assertEquals(1.0, ToneMeter.share(tone, 1000, 8000), 0.001);
        assertTrue(ToneMeter.share(tone, 1500, 8000) < 0.001, "at 1500 Hz: " + ToneMeter.share(tone, 1500, 8000));
        short[] wide = Signals.tone(440, 8000, 48000, 4800);
        assertEquals(1.0, ToneMeter.share(wide, 440, 48000), 0.001);
        assertTrue(ToneMeter.share(wide, 1000, 48000) < 0.001, "at 1000 Hz: " + ToneMeter.share(wide, 1000, 48000));
    }

    @Test
    void theAmplitudeIsTheTonesOwn() {
        float[] block = floats(Signals.tone(697, 5000, 8000, 800));
        double c = Goertzel.coefficient(697, 8000);
        assertEquals(5000, Goertzel.amplitude(block, 0, block.length, c), 5000 * 0.01);
        assertTrue(Goertzel.amplitude(block, 0, block.length, Goertzel.coefficient(1209, 8000)) < 50);
    }

    @Test
    void itIsTheDftTermOfTheBlockItIsGiven() {
        // two tones, off the DFT's bins, measured in a stretch that does not start at 0
        short[] a = Signals.tone(770, 6000, 8000, 1000);
        short[] b = Signals.tone(1336, 3000, 8000, 1000);
        short[] mix = new short[1000];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (short) (a[i] + b[i]);
        }
        float[] samples = floats(mix);
        for (double hz : new double[] {770, 1336, 941, 1633}) {
            double expected = Signals.amplitudeAt(mix, 123, 123 + 205, hz, 8000);
            double got = Goertzel.amplitude(samples, 123, 205, Goertzel.coefficient(hz, 8000));
            assertEquals(expected, got, 1e-6 * 6000, hz + " Hz");
        }
    }

    private static float[] floats(short[] s) {
        float[] f = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            f[i] = s[i];
        }
        return f;
    }
}
