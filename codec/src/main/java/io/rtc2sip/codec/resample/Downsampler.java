package io.rtc2sip.codec.resample;

import java.util.Arrays;

/**
 * Integer-factor decimation (48→8 or 48→16 kHz) by a polyphase FIR. Only every
 * {@code factor}-th output of the low-pass is computed: the input is split into
 * {@code factor} phases and each phase is filtered by its share of the taps, with the
 * inner loop over many outputs at a time ({@code acc[m] += c * phase[m + k]}), which the JIT
 * vectorises. Output m is the low-pass at input sample m·factor; any input length is
 * accepted, a remainder waits for the next call.
 */
final class Downsampler implements Resampler {

    /** Input samples handled per pass (20 ms at 48 kHz); longer input is done in passes. */
    private static final int CHUNK = 960;

    private final int inputRate;
    private final int outputRate;
    private final int factor;
    private final Lowpass lowpass;
    private final int phaseTaps;
    private final int paddedTaps;
    /** taps[q][k]: coefficient of phase q, tap k (time-reversed, zero-padded to factor·phaseTaps). */
    private final float[][] taps;
    /** Input not yet consumed; buffer[0] is the first sample of the next output's window. */
    private final float[] buffer;
    private int fill;
    /** Zeros at the end of the input so far (the reset window counts as zeros). */
    private long zeroRun;
    private final float[][] phase;
    private final float[] acc;

    Downsampler(int inputRate, int outputRate, Lowpass lowpass) {
        if (inputRate % outputRate != 0 || lowpass.sampleRate() != inputRate) {
            throw new IllegalArgumentException(inputRate + " -> " + outputRate + " with " + lowpass);
        }
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        this.factor = inputRate / outputRate;
        this.lowpass = lowpass;
        this.phaseTaps = (lowpass.taps() + factor - 1) / factor;
        this.paddedTaps = phaseTaps * factor;
        this.taps = new float[factor][phaseTaps];
        for (int i = 0; i < paddedTaps; i++) {
            int s = paddedTaps - 1 - i; // reversed
            double h = s < lowpass.taps() ? lowpass.coefficient(s) : 0;
            taps[i % factor][i / factor] = (float) h;
        }
        this.buffer = new float[paddedTaps - 1 + CHUNK];
        this.phase = new float[factor][CHUNK / factor + phaseTaps];
        this.acc = new float[CHUNK / factor + 1];
        reset();
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
        return inLen / factor + 1;
    }

    @Override
    public double delaySamples() {
        return (double) lowpass.delay() / factor;
    }

    @Override
    public int process(short[] in, int inOff, int inLen, short[] out, int outOff) {
        int written = 0;
        while (inLen > 0) {
            int n = Math.min(inLen, CHUNK);
            append(in, inOff, n);
            fill += n;
            inOff += n;
            inLen -= n;
            if (fill >= paddedTaps) {
                int count = (fill - paddedTaps) / factor + 1;
                if (silent()) {
                    Arrays.fill(out, outOff + written, outOff + written + count, (short) 0);
                } else {
                    filter(count);
                    for (int m = 0; m < count; m++) {
                        out[outOff + written + m] = Resampler.toPcm(acc[m]);
                    }
                }
                written += count;
                int consumed = count * factor;
                System.arraycopy(buffer, consumed, buffer, 0, fill - consumed);
                fill -= consumed;
            }
        }
        return written;
    }

    /**
     * Appends {@code n} input samples to the buffer and updates the run of zeros. Plain loops
     * the JIT vectorises: an OR over the input tells silence (most frames of a call whose RTC
     * user has not published), which is then written as zeros without converting it.
     */
    private void append(short[] in, int off, int n) {
        int any = 0;
        for (int i = 0; i < n; i++) {
            any |= in[off + i];
        }
        if (any == 0) {
            Arrays.fill(buffer, fill, fill + n, 0f);
            zeroRun += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            buffer[fill + i] = in[off + i];
        }
        int last = n - 1;
        while (in[off + last] == 0) {
            last--;
        }
        zeroRun = n - 1 - last;
    }

    /**
     * Whether every input sample the next outputs read is zero: then they are zero
     * (digital silence, e.g. while the RTC user has not published yet) and the filter is skipped.
     * The window is the whole buffer, so it is enough that the zeros run that far back.
     */
    private boolean silent() {
        return zeroRun >= fill;
    }

    private void filter(int count) {
        int span = count + phaseTaps - 1;
        for (int q = 0; q < factor; q++) {
            float[] ph = phase[q];
            for (int t = 0; t < span; t++) {
                ph[t] = buffer[t * factor + q];
            }
        }
        float[] a = acc;
        float c = taps[0][0];
        float[] ph = phase[0];
        for (int m = 0; m < count; m++) {
            a[m] = c * ph[m];
        }
        for (int q = 0; q < factor; q++) {
            ph = phase[q];
            float[] tq = taps[q];
            for (int k = q == 0 ? 1 : 0; k < phaseTaps; k++) {
                c = tq[k];
                for (int m = 0; m < count; m++) {
                    a[m] += c * ph[m + k];
                }
            }
        }
    }

    @Override
    public void reset() {
        // a window of zeros before the first sample, so that output m is centred on input m·factor
        Arrays.fill(buffer, 0f);
        fill = paddedTaps - 1;
        zeroRun = fill;
    }

    @Override
    public String toString() {
        return "resample(" + inputRate + "->" + outputRate + " Hz, polyphase " + factor + "x" + phaseTaps
                + ", " + lowpass + ")";
    }
}
