package io.rtc2sip.codec.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Goertzel detection and tone generation against tones made by sox (vectors/dtmf). */
class DtmfInBandTest {

    /** Every digit the detector reports for {@code pcm}, fed in frames of {@code frame}. */
    static String detect(short[] pcm, int frame) {
        StringBuilder digits = new StringBuilder();
        GoertzelDetector detector = new GoertzelDetector(digits::append);
        for (int off = 0; off < pcm.length; off += frame) {
            detector.process(pcm, off, Math.min(frame, pcm.length - off));
        }
        return digits.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"keypad.s16", "keypad-noisy.s16"})
    void detectsEveryKeypadDigitOnceInSoxTones(String vector) {
        short[] pcm = TestVectors.s16("dtmf/" + vector);
        assertEquals("123A456B789C*0#D", detect(pcm, 80));
        assertEquals("123A456B789C*0#D", detect(pcm, 160));
        assertEquals("123A456B789C*0#D", detect(pcm, 1));
    }

    @Test
    void acceptsFiftyFiveMillisecondsAndRejectsTwenty() {
        assertEquals("5", detect(TestVectors.s16("dtmf/short.s16"), 80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"resample/speech.8k.s16", "g711/noise.s16", "g711/sweep.s16", "plc/voiced.s16"})
    void staysQuietOnSpeechLikeSignalsNoiseAndSweeps(String vector) {
        assertEquals("", detect(TestVectors.s16(vector), 80));
    }

    @Test
    void rejectsTooMuchTwistAndTooLowALevel() {
        short[] balanced = Signals.concat(tones(852, 1336, 4000, 4000), new short[800]);
        assertEquals("8", detect(balanced, 80));
        assertEquals("", detect(tones(852, 1336, 4000, 1000), 80)); // 12 dB twist
        assertEquals("", detect(tones(852, 1336, 300, 300), 80)); // each about -40 dBFS
        assertEquals("", detect(Signals.tone(852, 8000, 8000, 800), 80)); // one tone only
    }

    private static short[] tones(double row, double column, double rowAmp, double columnAmp) {
        short[] a = Signals.tone(row, rowAmp, 8000, 800);
        short[] b = Signals.tone(column, columnAmp, 8000, 800);
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    @Test
    void generatedTonesMatchSoxAndAreDetected() {
        short[] sox = TestVectors.s16("dtmf/nine.s16");
        DtmfToneGenerator generator = new DtmfToneGenerator(8000, Signals.db(0.25));
        generator.start('9');
        short[] ours = new short[sox.length];
        for (int off = 0; off < ours.length; off += 80) {
            generator.fill(ours, off, 80);
        }
        double snr = Signals.snrDb(sox, ours, 0, 0, sox.length);
        assertTrue(snr >= 45, "SNR against sox " + snr);
        generator.stop();
        short[] tail = new short[80];
        generator.fill(tail, 0, 80);
        assertEquals(0, Signals.rms(tail, 0, 80));

        StringBuilder all = new StringBuilder();
        for (char d : "0123456789*#ABCD".toCharArray()) {
            generator.start(d);
            short[] pcm = new short[1280];
            generator.fill(pcm, 0, 800);
            generator.stop();
            generator.fill(pcm, 800, 480);
            all.append(detect(pcm, 160));
        }
        assertEquals("0123456789*#ABCD", all.toString());
    }
}
