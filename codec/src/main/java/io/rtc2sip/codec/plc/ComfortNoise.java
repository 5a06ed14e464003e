package io.rtc2sip.codec.plc;

/**
 * Low-level white noise for when the far end sends nothing, so that the line does not
 * sound dead. Deterministic (xorshift from a seed); no allocation.
 */
public final class ComfortNoise {

    private final double levelDbfs;
    /** Half-width of the uniform distribution giving the requested RMS (uniform: rms = a/√3). */
    private final float amplitude;
    private int state;

    /** {@code levelDbfs} is the RMS level relative to a full-scale sine; -inf gives silence. */
    public ComfortNoise(double levelDbfs, int seed) {
        this.levelDbfs = levelDbfs;
        double rms = 32767 / Math.sqrt(2) * Math.pow(10, levelDbfs / 20);
        this.amplitude = (float) (rms * Math.sqrt(3));
        this.state = seed == 0 ? 0x9E3779B9 : seed;
    }

    public void fill(short[] out, int off, int len) {
        int s = state;
        for (int i = 0; i < len; i++) {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            float u = (s >>> 8) * (2f / (1 << 24)) - 1f;
            out[off + i] = (short) Math.round(u * amplitude);
        }
        state = s;
    }

    @Override
    public String toString() {
        return "comfort-noise(" + Math.round(levelDbfs) + " dBFS)";
    }
}
