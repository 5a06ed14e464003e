package io.rtc2sip.codec.tone;

/**
 * In-band ringback at 8 kHz, for a caller held ringing: a 425 Hz sine (the tone of ITU-T E.180
 * most European networks use), {@code onMillis} on and {@code offMillis} off (1 s / 4 s in most
 * of Europe; the North American 440 + 480 Hz, 2 s / 4 s is not made here). The sine comes from
 * one table of 320 samples, exactly 17 periods of 425 Hz, read at the position in the cadence:
 * no seam, no allocation, no drift.
 */
public final class Ringback {

    /** Samples per second. */
    public static final int RATE = 8000;
    /** The tone's frequency. */
    public static final double HZ = 425;
    /** 17 periods of 425 Hz at 8 kHz (425 * 320 / 8000 = 17). */
    private static final int TABLE = 320;

    private final short[] table = new short[TABLE];
    private final long onSamples;
    private final long cycleSamples;
    private final double levelDbfs;
    private long position;

    /**
     * @param onMillis tone per cycle (a multiple of 40 ms keeps each burst starting at phase 0)
     * @param offMillis silence per cycle
     * @param levelDbfs the sine's peak relative to full scale (at most 0)
     */
    public Ringback(int onMillis, int offMillis, double levelDbfs) {
        if (onMillis <= 0 || offMillis < 0 || levelDbfs > 0) {
            throw new IllegalArgumentException("ringback: on > 0 ms, off >= 0 ms, level <= 0 dBFS");
        }
        this.onSamples = (long) onMillis * RATE / 1000;
        this.cycleSamples = onSamples + (long) offMillis * RATE / 1000;
        this.levelDbfs = levelDbfs;
        double amplitude = 32767 * Math.pow(10, levelDbfs / 20);
        for (int i = 0; i < TABLE; i++) {
            table[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * HZ * i / RATE));
        }
    }

    /** 425 Hz, 1 s on, 4 s off, at -10 dBFS. */
    public static Ringback european() {
        return new Ringback(1000, 4000, -10);
    }

    /** Writes the next {@code len} samples (tone or silence, as the cadence says). */
    public void fill(short[] out, int off, int len) {
        for (int i = 0; i < len; i++) {
            long inCycle = position % cycleSamples;
            out[off + i] = inCycle < onSamples ? table[(int) (inCycle % TABLE)] : 0;
            position++;
        }
    }

    @Override
    public String toString() {
        return "Ringback[" + HZ + " Hz, " + onSamples * 1000 / RATE + " ms on, "
            + (cycleSamples - onSamples) * 1000 / RATE + " ms off, " + levelDbfs + " dBFS]";
    }
}
