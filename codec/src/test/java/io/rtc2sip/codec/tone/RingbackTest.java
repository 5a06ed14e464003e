package io.rtc2sip.codec.tone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.TestVectors;
import org.junit.jupiter.api.Test;

/** Ringback against sox's (vectors/tone): the tone, its level and its 1 s on / 4 s off cadence. */
class RingbackTest {

    private static short[] generate(Ringback ringback, int samples) {
        short[] out = new short[samples];
        for (int off = 0; off < samples; off += 80) { // 10 ms frames, as the media clock asks
            ringback.fill(out, off, Math.min(80, samples - off));
        }
        return out;
    }

    @Test
    void oneCadenceMatchesSox() {
        short[] sox = TestVectors.s16("tone/ringback-425-1s-4s.s16");
        short[] ours = generate(Ringback.european(), sox.length);
        double toneSnr = Signals.snrDb(sox, ours, 0, 0, 8000);
        assertTrue(toneSnr >= 40, "SNR of the first second against sox: " + toneSnr);
        double againSnr = Signals.snrDb(sox, ours, 0, 40000, 44000);
        assertTrue(againSnr >= 40, "SNR of the next cycle's tone against sox: " + againSnr);
        assertEquals(0, Signals.rms(ours, 8000, 40000), "4 s of silence");
    }

    @Test
    void theToneIs425HzAtMinus10Dbfs() {
        short[] ours = generate(Ringback.european(), 8000);
        double amplitude = Signals.amplitudeAt(ours, 0, 8000, 425, 8000);
        assertEquals(32767 * Math.pow(10, -0.5), amplitude, 20);
        assertTrue(Signals.amplitudeAt(ours, 0, 8000, 440, 8000) < 0.05 * amplitude);
        // no seam where the table wraps: neighbouring samples differ no more than the sine can
        int maxStep = 0;
        for (int i = 1; i < ours.length; i++) {
            maxStep = Math.max(maxStep, Math.abs(ours[i] - ours[i - 1]));
        }
        assertTrue(maxStep <= Math.ceil(amplitude * 2 * Math.PI * 425 / 8000) + 1,
            "largest step " + maxStep);
    }

    @Test
    void theCadenceRepeatsAndAnotherCadenceIsKept() {
        short[] ours = generate(new Ringback(2000, 4000, -10), 3 * 6 * 8000);
        for (int cycle = 0; cycle < 3; cycle++) {
            int start = cycle * 6 * 8000;
            assertTrue(Signals.rms(ours, start, start + 16000) > 7000, "on in cycle " + cycle);
            assertEquals(0, Signals.rms(ours, start + 16000, start + 48000),
                "off in cycle " + cycle);
        }
        assertEquals("Ringback[425.0 Hz, 1000 ms on, 4000 ms off, -10.0 dBFS]",
            Ringback.european().toString());
    }
}
