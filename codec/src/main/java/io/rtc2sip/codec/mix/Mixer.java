package io.rtc2sip.codec.mix;

/**
 * The audio of a conference: every party hears the sum of all the others and not itself. One
 * pass adds every party's frame into an int total; each party's output is then the total minus
 * its own frame, clamped to a short (a sum of loud parties saturates instead of wrapping, and
 * because the total is kept in int, clamping one party's mix never changes another's).
 *
 * <p>Mixing is at 8 kHz ({@link #RATE}): the SIP parties are G.711 legs, so they go from
 * decoder to mixer to encoder with no resampling, and only an RTC leg (48 kHz) passes its
 * resamplers, which a two-party call already has. docs/codec.md, "Conference mixing", has the
 * measurement behind the choice. Single-threaded, no allocation per frame.
 */
public final class Mixer {

    /** Samples per second of everything mixed. */
    public static final int RATE = 8000;
    /** Samples of one 10 ms frame at {@link #RATE}, the media clock's tick. */
    public static final int FRAME_SAMPLES = RATE / 100;
    /** The most parties one mixer takes. */
    public static final int MAX_PARTIES = 16;

    private final int maxParties;
    private final int[] total;

    /** A mixer for up to {@code maxParties} (2..{@link #MAX_PARTIES}) parties, 20 ms frames. */
    public Mixer(int maxParties) {
        this(maxParties, 2 * FRAME_SAMPLES);
    }

    /**
     * A mixer for up to {@code maxParties} parties and frames of up to {@code maxSamples}
     * (the benchmark mixes 48 kHz frames with it to compare the rates).
     */
    public Mixer(int maxParties, int maxSamples) {
        if (maxParties < 2 || maxParties > MAX_PARTIES || maxSamples < 1) {
            throw new IllegalArgumentException("a mixer takes 2.." + MAX_PARTIES + " parties");
        }
        this.maxParties = maxParties;
        this.total = new int[maxSamples];
    }

    /** Mixes one 10 ms frame ({@link #FRAME_SAMPLES}) of the first {@code parties} inputs. */
    public void mix(short[][] in, short[][] out, int parties) {
        mix(in, out, parties, FRAME_SAMPLES);
    }

    /**
     * Writes to {@code out[p][0, samples)} the sum of {@code in[q][0, samples)} for every
     * {@code q != p} among the first {@code parties}; a party with nothing to say gives zeros.
     */
    public void mix(short[][] in, short[][] out, int parties, int samples) {
        if (parties > maxParties || samples > total.length) {
            throw new IllegalArgumentException("mix of " + parties + " parties x " + samples
                    + " samples; at most " + maxParties + " x " + total.length);
        }
        int[] sum = total;
        short[] first = in[0];
        for (int i = 0; i < samples; i++) {
            sum[i] = first[i];
        }
        for (int p = 1; p < parties; p++) {
            short[] frame = in[p];
            for (int i = 0; i < samples; i++) {
                sum[i] += frame[i];
            }
        }
        for (int p = 0; p < parties; p++) {
            short[] own = in[p];
            short[] heard = out[p];
            for (int i = 0; i < samples; i++) {
                int v = sum[i] - own[i];
                heard[i] = (short) (v > Short.MAX_VALUE ? Short.MAX_VALUE
                        : Math.max(v, Short.MIN_VALUE));
            }
        }
    }

    @Override
    public String toString() {
        return "mix(" + RATE + " Hz, up to " + maxParties + " parties, each hears the others)";
    }
}
