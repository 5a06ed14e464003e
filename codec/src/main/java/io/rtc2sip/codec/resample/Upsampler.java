package io.rtc2sip.codec.resample;

import java.util.Arrays;

/**
 * Integer-factor interpolation (8→48 or 16→48 kHz) by a polyphase FIR: each of the
 * {@code factor} output phases is a short filter over the input. The inner loop runs over
 * many outputs of one phase at a time ({@code acc[i] += c * x[i + j]}), which the JIT
 * vectorises; every output is summed in the same order whatever the frame size.
 */
final class Upsampler implements Resampler {

    /** Input samples handled per pass (60 ms at 8 kHz); longer input is done in passes. */
    private static final int CHUNK = 480;

    private final int inputRate;
    private final int outputRate;
    private final int factor;
    private final Lowpass lowpass;
    private final int phaseTaps;
    /** phases[p][j]: coefficient applied to buffer[i + j] for output phase p (time-reversed). */
    private final float[][] phases;
    /** phaseTaps - 1 samples of history, then the current pass. */
    private final float[] buffer;
    private final float[] acc = new float[CHUNK];

    Upsampler(int inputRate, int outputRate, Lowpass lowpass) {
        if (outputRate % inputRate != 0 || lowpass.sampleRate() != outputRate) {
            throw new IllegalArgumentException(inputRate + " -> " + outputRate + " with " + lowpass);
        }
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        this.factor = outputRate / inputRate;
        this.lowpass = lowpass;
        this.phaseTaps = (lowpass.taps() + factor - 1) / factor;
        this.phases = new float[factor][phaseTaps];
        for (int p = 0; p < factor; p++) {
            for (int k = 0; k < phaseTaps; k++) {
                int i = k * factor + p;
                double h = i < lowpass.taps() ? lowpass.coefficient(i) : 0;
                // gain of `factor` restores the level lost to the zeros between input samples
                phases[p][phaseTaps - 1 - k] = (float) (h * factor);
            }
        }
        this.buffer = new float[phaseTaps - 1 + CHUNK];
    }

    @Override
    public int inputRate() {
        return inputRate;
    }

    @Override
    public int outputRate() {
        return outputRate;
    }

    @Override
    public int maxOutput(int inLen) {
        return inLen * factor;
    }

    @Override
    public double delaySamples() {
        return lowpass.delay();
    }

    @Override
    public int process(short[] in, int inOff, int inLen, short[] out, int outOff) {
        int written = 0;
        int history = phaseTaps - 1;
        while (inLen > 0) {
            int n = Math.min(inLen, CHUNK);
            for (int i = 0; i < n; i++) {
                buffer[history + i] = in[inOff + i];
            }
            for (int p = 0; p < factor; p++) {
                accumulate(phases[p], n);
                int base = outOff + written + p;
                for (int i = 0; i < n; i++) {
                    out[base + i * factor] = Resampler.toPcm(acc[i]);
                }
            }
            System.arraycopy(buffer, n, buffer, 0, history);
            written += n * factor;
            inOff += n;
            inLen -= n;
        }
        return written;
    }

    private void accumulate(float[] taps, int n) {
        float[] a = acc;
        float[] x = buffer;
        float c = taps[0];
        for (int i = 0; i < n; i++) {
            a[i] = c * x[i];
        }
        for (int j = 1; j < taps.length; j++) {
            c = taps[j];
            for (int i = 0; i < n; i++) {
                a[i] += c * x[i + j];
            }
        }
    }

    @Override
    public void reset() {
        Arrays.fill(buffer, 0f);
    }

    @Override
    public String toString() {
        return "resample(" + inputRate + "->" + outputRate + " Hz, polyphase " + factor + "x" + phaseTaps
                + ", " + lowpass + ")";
    }
}
