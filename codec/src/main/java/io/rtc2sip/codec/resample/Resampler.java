package io.rtc2sip.codec.resample;

/**
 * A streaming sample-rate converter for 16-bit mono PCM. State carries over between calls,
 * so converting a signal in frames of any size gives exactly the samples that converting it
 * in one piece gives. No allocation after construction.
 */
public interface Resampler {

    int inputRate();

    int outputRate();

    /**
     * Converts {@code inLen} samples and writes the result at {@code out[outOff]}.
     *
     * @return the number of samples written; at most {@link #maxOutput(int) maxOutput(inLen)}
     */
    int process(short[] in, int inOff, int inLen, short[] out, int outOff);

    /** An upper bound of what {@link #process} writes for {@code inLen} input samples. */
    int maxOutput(int inLen);

    /** Filter delay, in samples at the output rate. */
    double delaySamples();

    /** Filter delay in milliseconds. */
    default double delayMillis() {
        return delaySamples() * 1000.0 / outputRate();
    }

    /** Forgets all history, as if newly created. */
    void reset();

    /**
     * A resampler between 8 or 16 kHz and 48 kHz (in either direction), or a copy when the
     * rates are equal.
     */
    static Resampler create(int inputRate, int outputRate) {
        if (inputRate == outputRate) {
            return new PassThrough(inputRate);
        }
        if (outputRate == 48000 && (inputRate == 8000 || inputRate == 16000)) {
            return new Upsampler(inputRate, outputRate, lowpassFor(inputRate));
        }
        if (inputRate == 48000 && (outputRate == 8000 || outputRate == 16000)) {
            return new Downsampler(inputRate, outputRate, lowpassFor(outputRate));
        }
        throw new IllegalArgumentException("unsupported conversion " + inputRate + " -> " + outputRate + " Hz");
    }

    private static Lowpass lowpassFor(int narrowRate) {
        return narrowRate == 8000 ? Lowpass.NARROWBAND : Lowpass.WIDEBAND;
    }

    /** Rounds to the nearest 16-bit value, saturating. */
    static short toPcm(float v) {
        int s = Math.round(v);
        if (s > Short.MAX_VALUE) {
            return Short.MAX_VALUE;
        }
        if (s < Short.MIN_VALUE) {
            return Short.MIN_VALUE;
        }
        return (short) s;
    }
}
