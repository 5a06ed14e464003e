package io.rtc2sip.codec.plc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.TestVectors;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LossConcealerTest {

    /** A voiced-speech stand-in: a fundamental with decaying harmonics. */
    static short[] voiced(double f0, int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) {
            double v = 0;
            for (int h = 1; h <= 8; h++) {
                v += Math.sin(2 * Math.PI * f0 * h * i / 8000 + h) / h;
            }
            s[i] = (short) Math.round(6000 * v);
        }
        return s;
    }

    /** Plays {@code signal} in 10 ms frames, concealing the frames marked lost. */
    static short[] play(LossConcealer plc, short[] signal, boolean[] lostFrames) {
        short[] out = new short[signal.length];
        short[] frame = new short[80];
        for (int f = 0; f < signal.length / 80; f++) {
            if (lostFrames[f]) {
                plc.conceal(out, f * 80, 80);
            } else {
                System.arraycopy(signal, f * 80, frame, 0, 80);
                plc.received(frame, 0, 80);
                System.arraycopy(frame, 0, out, f * 80, 80);
            }
        }
        return out;
    }

    @Test
    void findsThePitchOfAVoicedSignal() {
        for (double f0 : new double[] {80, 125, 160, 200}) {
            LossConcealer plc = new LossConcealer();
            short[] s = voiced(f0, 800);
            plc.received(s, 0, s.length);
            assertEquals(8000 / f0, plc.estimatePitch(), 1, "f0 " + f0);
        }
    }

    @Test
    void theFirstTenMillisecondsContinueAPeriodicSignal() {
        short[] s = voiced(125, 1600);
        boolean[] lost = new boolean[20];
        lost[10] = true;
        short[] out = play(new LossConcealer(), s, lost);
        double snr = Signals.snrDb(Arrays.copyOfRange(s, 800, 880), Arrays.copyOfRange(out, 800, 880), 0, 0, 80);
        assertTrue(snr >= 20, "SNR of the concealed frame " + snr);
    }

    @Test
    void aLongGapFadesToSilenceAtSixtyMilliseconds() {
        LossConcealer plc = new LossConcealer();
        short[] s = voiced(160, 880);
        plc.received(s, 0, 800);
        short[] out = new short[800];
        plc.conceal(out, 0, 800);
        double first = Signals.rms(out, 0, 80);
        double third = Signals.rms(out, 160, 240);
        double fifth = Signals.rms(out, 320, 400);
        assertEquals(0, Signals.db(first / Signals.rms(s, 800, 880)), 1.5, "first 10 ms at full level, pitch " + plc.pitch());
        assertTrue(third < 0.8 * first && fifth < 0.45 * first, first + " " + third + " " + fifth);
        assertTrue(plc.faded());
        for (int i = 480; i < 800; i++) {
            assertEquals(0, out[i], "silent from 60 ms, at " + i);
        }
    }

    @Test
    void audioAfterAGapIsCrossFadedThenPassedUnchanged() {
        LossConcealer plc = new LossConcealer();
        short[] s = voiced(125, 1200);
        plc.received(Arrays.copyOf(s, 800), 0, 800);
        short[] gap = new short[160];
        plc.conceal(gap, 0, 160);
        short[] back = Arrays.copyOfRange(s, 960, 1200);
        short[] original = back.clone();
        plc.received(back, 0, back.length);
        // overlap: a quarter pitch (16) plus 4 ms (32) for the second 10 ms of the gap
        int overlap = 16 + 32;
        assertTrue(!Arrays.equals(Arrays.copyOf(original, overlap), Arrays.copyOf(back, overlap)));
        assertArrayEquals(Arrays.copyOfRange(original, overlap, 240), Arrays.copyOfRange(back, overlap, 240));
    }

    @Test
    void beatsSilenceSubstitutionOnSpeechWithTenPercentLoss() {
        short[] speech = TestVectors.s16("plc/voiced.s16"); // sox: vowel-like tone with harmonics and vibrato
        Random random = new Random(11);
        boolean[] lost = new boolean[speech.length / 80];
        for (int f = 5; f < lost.length; f++) {
            lost[f] = random.nextInt(10) == 0;
        }
        short[] concealed = play(new LossConcealer(), speech, lost);
        short[] zeroed = speech.clone();
        for (int f = 0; f < lost.length; f++) {
            if (lost[f]) {
                Arrays.fill(zeroed, f * 80, f * 80 + 80, (short) 0);
            }
        }
        int n = lost.length * 80;
        double plcSnr = Signals.snrDb(speech, concealed, 0, 0, n);
        double zeroSnr = Signals.snrDb(speech, zeroed, 0, 0, n);
        System.out.printf("10%% loss on voiced speech: PLC %.1f dB SNR, silence substitution %.1f dB%n", plcSnr,
                zeroSnr);
        assertTrue(plcSnr >= zeroSnr + 3, plcSnr + " vs " + zeroSnr);
    }

    @Test
    void comfortNoiseHasTheRequestedLevelAndRepeatsForASeed() {
        short[] a = new short[8000];
        new ComfortNoise(-60, 42).fill(a, 0, a.length);
        double dbfs = Signals.db(Signals.rms(a, 0, a.length) / (32767 / Math.sqrt(2)));
        assertEquals(-60, dbfs, 0.5);
        short[] b = new short[8000];
        ComfortNoise again = new ComfortNoise(-60, 42);
        again.fill(b, 0, 3000);
        again.fill(b, 3000, 5000);
        assertArrayEquals(a, b);
        assertEquals("comfort-noise(-60 dBFS)", again.toString());
    }
}
