package io.rtc2sip.codec.resample;

import static io.rtc2sip.codec.Signals.amplitudeAt;
import static io.rtc2sip.codec.Signals.db;
import static io.rtc2sip.codec.Signals.rms;
import static io.rtc2sip.codec.Signals.tone;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.TestVectors;
import org.junit.jupiter.api.Test;

/**
 * The measured response of the resamplers, through the real streaming code (float
 * arithmetic, 16-bit output), not just the designed coefficients. The figures are printed
 * (target/surefire-reports/*ResamplerQualityTest-output.txt) and quoted in docs/codec.md.
 */
class ResamplerQualityTest {

    private static final double AMPLITUDE = 16000;

    /** Gain in dB of a tone through r, measured on the steady-state output. */
    private static double gainDb(Resampler r, double hz) {
        int in = r.inputRate() / 5; // 200 ms
        short[] out = ResamplerTest.convert(r, tone(hz, AMPLITUDE, r.inputRate(), in));
        int skip = out.length / 4;
        return db(amplitudeAt(out, skip, out.length - skip, hz, r.outputRate()) / AMPLITUDE);
    }

    /** Everything that comes out for a tone the filter should stop, relative to the tone, in dB. */
    private static double leakageDb(Resampler r, double hz) {
        short[] out = ResamplerTest.convert(r, tone(hz, AMPLITUDE, r.inputRate(), r.inputRate() / 10));
        int skip = out.length / 4;
        return db(rms(out, skip, out.length - skip) / (AMPLITUDE / Math.sqrt(2)));
    }

    private static double[] passband(int from, int to, double lowHz, double highHz) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double hz = lowHz; hz <= highHz; hz += 50) {
            double g = gainDb(Resampler.create(from, to), hz);
            min = Math.min(min, g);
            max = Math.max(max, g);
        }
        return new double[] {min, max};
    }

    private static double worstStopband(int narrowRate, double fromHz) {
        double worst = -Double.MAX_VALUE;
        for (double hz = fromHz; hz < 24000; hz += 50) {
            worst = Math.max(worst, leakageDb(Resampler.create(48000, narrowRate), hz));
        }
        return worst;
    }

    /** Images left by interpolation: all output other than the tone itself. */
    private static double worstImage(int narrowRate, double lowHz, double highHz) {
        double worst = -Double.MAX_VALUE;
        for (double hz = lowHz; hz <= highHz; hz += 100) {
            Resampler r = Resampler.create(narrowRate, 48000);
            short[] out = ResamplerTest.convert(r, tone(hz, AMPLITUDE, narrowRate, narrowRate / 5));
            int skip = out.length / 4;
            int from = skip;
            int to = out.length - skip;
            double a = amplitudeAt(out, from, to, hz, 48000);
            double total = rms(out, from, to);
            double residual = Math.sqrt(Math.max(0, total * total - a * a / 2));
            worst = Math.max(worst, db(residual / (AMPLITUDE / Math.sqrt(2))));
        }
        return worst;
    }

    @Test
    void narrowbandPassbandIsFlatWithinHalfADecibel() {
        double[] up = passband(8000, 48000, 300, 3400);
        double[] down = passband(48000, 8000, 300, 3400);
        System.out.printf("8->48 kHz passband 300-3400 Hz: %+.3f .. %+.3f dB%n", up[0], up[1]);
        System.out.printf("48->8 kHz passband 300-3400 Hz: %+.3f .. %+.3f dB%n", down[0], down[1]);
        for (double[] band : new double[][] {up, down}) {
            assertTrue(band[0] >= -0.5 && band[1] <= 0.5, band[0] + " .. " + band[1]);
        }
    }

    @Test
    void narrowbandStopbandIsAtLeast60DecibelsDown() {
        double worst = worstStopband(8000, 4600);
        System.out.printf("48->8 kHz: tones 4600-23950 Hz come out at most %.1f dB%n", worst);
        assertTrue(worst <= -60, "stopband leakage " + worst);
        double images = worstImage(8000, 300, 3400);
        System.out.printf("8->48 kHz: images of tones 300-3400 Hz at most %.1f dB%n", images);
        assertTrue(images <= -60, "images " + images);
    }

    @Test
    void oneKilohertzSurvivesTheRoundTripWithFiftyDecibelsSnr() {
        short[] tone = TestVectors.s16("resample/tone1k.8k.s16"); // made by sox
        Resampler up = Resampler.create(8000, 48000);
        Resampler down = Resampler.create(48000, 8000);
        short[] back = ResamplerTest.convert(down, ResamplerTest.convert(up, tone));
        int delay = (int) (up.delaySamples() / 6 + down.delaySamples());
        double snr = Signals.snrDb(tone, back, delay, 400, tone.length - delay - 400);
        System.out.printf("1 kHz 8->48->8 kHz: SNR %.1f dB after the %d-sample (%.2f ms) delay%n",
                snr, delay, up.delayMillis() + down.delayMillis());
        assertTrue(snr >= 50, "SNR " + snr);
    }

    @Test
    void widebandPassbandStopbandAndRoundTrip() {
        double[] up = passband(16000, 48000, 50, 7000);
        double[] down = passband(48000, 16000, 50, 7000);
        double stop = worstStopband(16000, 9000);
        double images = worstImage(16000, 100, 7000);
        System.out.printf("16->48 kHz passband 50-7000 Hz: %+.3f .. %+.3f dB%n", up[0], up[1]);
        System.out.printf("48->16 kHz passband 50-7000 Hz: %+.3f .. %+.3f dB%n", down[0], down[1]);
        System.out.printf("48->16 kHz: tones 9000-23950 Hz come out at most %.1f dB%n", stop);
        System.out.printf("16->48 kHz: images of tones 100-7000 Hz at most %.1f dB%n", images);
        for (double[] band : new double[][] {up, down}) {
            assertTrue(band[0] >= -0.5 && band[1] <= 0.5, band[0] + " .. " + band[1]);
        }
        assertTrue(stop <= -60, "stopband " + stop);
        assertTrue(images <= -60, "images " + images);

        short[] tone = tone(1000, AMPLITUDE, 16000, 16000);
        short[] back = ResamplerTest.convert(Resampler.create(48000, 16000),
                ResamplerTest.convert(Resampler.create(16000, 48000), tone));
        double snr = Signals.snrDb(tone, back, 30, 800, tone.length - 830);
        System.out.printf("1 kHz 16->48->16 kHz: SNR %.1f dB after the 30-sample delay%n", snr);
        assertTrue(snr >= 50, "SNR " + snr);
    }

    @Test
    void designedResponseMatchesTheMeasuredOne() {
        Lowpass nb = Lowpass.NARROWBAND;
        double worstDesigned = -Double.MAX_VALUE;
        for (double hz = 4600; hz < 24000; hz += 10) {
            worstDesigned = Math.max(worstDesigned, nb.responseDb(hz));
        }
        System.out.printf("narrowband design (%s): stopband from 4600 Hz %.1f dB, at 3400 Hz %+.3f dB%n",
                nb, worstDesigned, nb.responseDb(3400));
        assertTrue(worstDesigned <= -60);
        assertTrue(Math.abs(nb.responseDb(1000)) < 0.01);
    }
}
