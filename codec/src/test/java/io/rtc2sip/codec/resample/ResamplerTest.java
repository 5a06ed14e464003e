package io.rtc2sip.codec.resample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.TestVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Streaming behaviour, delays and agreement with sox's own rate conversion. */
class ResamplerTest {

    static short[] convert(Resampler r, short[] in, int frame) {
        short[] out = new short[r.maxOutput(in.length) + r.maxOutput(frame)];
        int n = 0;
        for (int off = 0; off < in.length; off += frame) {
            n += r.process(in, off, Math.min(frame, in.length - off), out, n);
        }
        return Arrays.copyOf(out, n);
    }

    static short[] convert(Resampler r, short[] in) {
        return convert(r, in, in.length);
    }

    @ParameterizedTest
    @CsvSource({"8000, 48000, speech.8k.s16", "16000, 48000, speech.16k.s16",
            "48000, 8000, speech.48k.s16", "48000, 16000, speech.48k.s16"})
    void framesGiveExactlyTheSamplesOfOnePiece(int from, int to, String vector) {
        short[] in = TestVectors.s16("resample/" + vector);
        short[] whole = convert(Resampler.create(from, to), in);
        assertEquals((long) in.length * to / from, whole.length);
        int tenMs = from / 100;
        for (int frame : new int[] {tenMs, 2 * tenMs, 7, 1, 4097}) {
            assertArrayEquals(whole, convert(Resampler.create(from, to), in, frame), "frames of " + frame);
        }
    }

    @ParameterizedTest
    @CsvSource({"8000, 48000, speech.8k.s16", "48000, 8000, speech.48k.s16",
            "48000, 16000, speech.48k.s16"})
    void digitalSilenceBetweenSpeechGivesTheSameSamplesWhateverTheFraming(int from, int to,
            String vector) {
        short[] speech = TestVectors.s16("resample/" + vector);
        int half = speech.length / 2;
        short[] in = new short[speech.length + from / 2]; // 500 ms of zeros in the middle
        System.arraycopy(speech, 0, in, 0, half);
        System.arraycopy(speech, half, in, half + from / 2, speech.length - half);
        short[] whole = convert(Resampler.create(from, to), in);
        for (int frame : new int[] {from / 100, 7, 1, 4097}) {
            assertArrayEquals(whole, convert(Resampler.create(from, to), in, frame), "frames of " + frame);
        }
        // the middle of the gap is zeros, and speech resumes where it should (not cut, not shifted)
        int gapStart = (int) ((long) half * to / from);
        int gapEnd = (int) ((long) (half + from / 2) * to / from);
        for (int i = gapStart + to / 100; i < gapEnd - to / 100; i++) {
            assertEquals(0, whole[i], "sample " + i + " inside the gap");
        }
        short[] withoutGap = convert(Resampler.create(from, to), Arrays.copyOfRange(in, half + from / 2, in.length));
        short[] tail = Arrays.copyOfRange(whole, gapEnd, whole.length);
        int settle = to / 100; // the filter has forgotten the speech before the gap after 10 ms
        assertArrayEquals(Arrays.copyOfRange(withoutGap, settle, withoutGap.length),
                Arrays.copyOfRange(tail, settle, withoutGap.length));
    }

    @Test
    void resetForgetsHistory() {
        short[] in = TestVectors.s16("resample/speech.8k.s16");
        Resampler r = Resampler.create(8000, 48000);
        short[] first = convert(r, in);
        r.reset();
        assertArrayEquals(first, convert(r, in));
        Resampler d = Resampler.create(48000, 8000);
        short[] down = convert(d, first);
        d.reset();
        assertArrayEquals(down, convert(d, first));
    }

    @Test
    void reportsTheFilterDelay() {
        assertEquals(72, Resampler.create(8000, 48000).delaySamples());
        assertEquals(12, Resampler.create(48000, 8000).delaySamples());
        assertEquals(1.5, Resampler.create(8000, 48000).delayMillis(), 1e-9);
        assertEquals(1.5, Resampler.create(48000, 8000).delayMillis(), 1e-9);
        assertEquals(45, Resampler.create(16000, 48000).delaySamples());
        assertEquals(15, Resampler.create(48000, 16000).delaySamples());
        assertEquals(0, Resampler.create(48000, 48000).delaySamples());
    }

    @ParameterizedTest
    @CsvSource({"8000, 48000, speech.8k.s16", "48000, 8000, speech.48k.s16", "16000, 48000, speech.16k.s16"})
    void theReportedDelayIsWhereTheOutputLinesUpWithSox(int from, int to, String vector) {
        short[] in = TestVectors.s16("resample/" + vector);
        String soxName = vector.replace(".s16", ".to" + (to / 1000) + "k.s16");
        short[] sox = TestVectors.s16("resample/" + soxName);
        Resampler r = Resampler.create(from, to);
        short[] ours = convert(r, in);
        // sox compensates its own delay; the best alignment of ours is our reported delay
        int best = 0;
        double bestSnr = Double.NEGATIVE_INFINITY;
        for (int shift = 0; shift < 2 * r.delaySamples() + 10; shift++) {
            double snr = Signals.snrDb(sox, ours, shift, to / 20, sox.length - 200);
            if (snr > bestSnr) {
                bestSnr = snr;
                best = shift;
            }
        }
        assertEquals((int) r.delaySamples(), best);
        System.out.printf("%d->%d Hz: agreement with sox rate -v on speech-like noise: %.1f dB SNR%n",
                from, to, bestSnr);
        assertTrue(bestSnr >= 40, "SNR against sox " + bestSnr);
    }

    @Test
    void equalRatesCopy() {
        short[] in = {1, 2, 3};
        short[] out = new short[3];
        Resampler r = Resampler.create(8000, 8000);
        assertEquals(3, r.process(in, 0, 3, out, 0));
        assertArrayEquals(in, out);
    }

    @Test
    void rejectsOtherRates() {
        assertThrows(IllegalArgumentException.class, () -> Resampler.create(44100, 48000));
        assertThrows(IllegalArgumentException.class, () -> Resampler.create(8000, 16000));
    }

    @Test
    void saturatesInsteadOfWrapping() {
        short[] square = new short[800];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 20) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
        }
        short[] up = convert(Resampler.create(8000, 48000), square);
        // Gibbs overshoot clips at full scale rather than wrapping to the other sign
        for (int i = 200; i < up.length - 200; i++) {
            int expectedSign = ((i - 72) / 120) % 2 == 0 ? 1 : -1;
            int phase = (i - 72) % 120;
            if (phase > 10 && phase < 110) {
                assertEquals(expectedSign, Integer.signum(up[i]), "at " + i);
            }
        }
    }
}
