package io.rtc2sip.codec.plc;

/**
 * Packet-loss concealment for 8 kHz speech in the manner of ITU-T G.711 Appendix I: missing
 * audio is replaced by the last pitch period(s) of the received signal, repeated, with a
 * quarter-period overlap-add at each repetition, widened to two and then three periods after
 * 10 and 20 ms so that long gaps do not buzz, and faded by 20 % per 10 ms from 10 ms on, to
 * silence at 60 ms. When audio returns, the concealment is cross-faded into it.
 *
 * <p>Unlike Appendix I, received audio is not delayed by 3.75 ms: the first repetition starts
 * without an overlap with the last received samples, which keeps the receive path free of
 * added latency.
 *
 * <p>One instance per stream, not thread-safe, no allocation after construction.
 */
public final class LossConcealer {

    static final int RATE = 8000;
    static final int MIN_PITCH = 40; // 5 ms: 200 Hz
    static final int MAX_PITCH = 120; // 15 ms: 66.7 Hz
    static final int CORRELATION = 160; // 20 ms of signal matched against its past
    static final int OVERLAP_MAX = MAX_PITCH / 4;
    static final int HISTORY = 3 * MAX_PITCH + OVERLAP_MAX; // 390 samples, 48.75 ms
    static final int STEP = 80; // 10 ms
    static final int SILENT_AFTER = 6 * STEP;

    /** The last HISTORY samples received, oldest first. */
    private final float[] history = new float[HISTORY];
    private final float[] scratch = new float[STEP];
    private int pitch = MIN_PITCH;
    private int periods;
    /** Position in the repeated cycle, 0 .. periods·pitch. */
    private int cycle;
    /** Samples concealed in the current gap; 0 when audio is flowing. */
    private int erased;

    /** Passes received audio through, cross-fading it with the concealment when a gap ends. */
    public void received(short[] pcm, int off, int len) {
        if (erased > 0) {
            int overlap = Math.min(len, Math.min(STEP, pitch / 4 + ((erased - 1) / STEP) * 32));
            synthesize(scratch, overlap);
            for (int i = 0; i < overlap; i++) {
                float w = (i + 1f) / (overlap + 1f);
                pcm[off + i] = toPcm(w * pcm[off + i] + (1 - w) * scratch[i]);
            }
            erased = 0;
        }
        remember(pcm, off, len);
    }

    /** Writes {@code len} samples of concealment. */
    public void conceal(short[] out, int off, int len) {
        if (erased == 0) {
            pitch = estimatePitch();
            periods = 1;
            cycle = 0;
        }
        int done = 0;
        while (done < len) {
            int n = Math.min(STEP, len - done);
            synthesize(scratch, n);
            for (int i = 0; i < n; i++) {
                out[off + done + i] = toPcm(scratch[i]);
            }
            done += n;
        }
    }

    /** True once a gap has lasted long enough for the concealment to have faded to silence. */
    public boolean faded() {
        return erased >= SILENT_AFTER;
    }

    /** The pitch period in samples used for the current or last gap. */
    public int pitch() {
        return pitch;
    }

    public void reset() {
        java.util.Arrays.fill(history, 0f);
        erased = 0;
        pitch = MIN_PITCH;
    }

    private void synthesize(float[] dst, int n) {
        int overlap = pitch / 4;
        for (int i = 0; i < n; i++) {
            int length = periods * pitch;
            float v = history[HISTORY - length + cycle];
            int toWrap = length - cycle;
            if (toWrap <= overlap) {
                // fade towards the samples that lead into the start of the cycle
                float w = (overlap - toWrap + 1f) / (overlap + 1f);
                v = (1 - w) * v + w * history[HISTORY - 2 * length + cycle];
            }
            dst[i] = v * gain(erased);
            erased++;
            if (++cycle == length) {
                cycle = 0;
            }
            if ((erased == STEP || erased == 2 * STEP) && periods < 3) {
                // widen the cycle; keep reading the same sample, now further from the end
                cycle += pitch;
                periods++;
            }
        }
    }

    private static float gain(int erased) {
        if (erased < STEP) {
            return 1f;
        }
        return Math.max(0f, 1f - 0.2f * (erased - STEP) / STEP);
    }

    /**
     * The lag (5-15 ms) at which the last 20 ms best matches the signal before it: a coarse
     * search over every second lag on every second sample, then every sample at the lags next
     * to the coarse best (as G.711 Appendix I does), a quarter of a full search's work.
     */
    int estimatePitch() {
        int coarse = bestLag(MIN_PITCH, MAX_PITCH, 2);
        return bestLag(Math.max(MIN_PITCH, coarse - 1), Math.min(MAX_PITCH, coarse + 1), 1);
    }

    /** The lag in {@code from..to} (every {@code step}-th, on every {@code step}-th sample) that matches best. */
    private int bestLag(int from, int to, int step) {
        int end = HISTORY;
        int start = end - CORRELATION;
        float best = 0;
        int bestLag = to;
        for (int lag = from; lag <= to; lag += step) {
            float cross = 0;
            float energy = 0;
            for (int i = start; i < end; i += step) {
                float past = history[i - lag];
                cross += history[i] * past;
                energy += past * past;
            }
            if (energy > 0 && cross > 0) {
                float score = cross / (float) Math.sqrt(energy);
                if (score > best * 1.0001f) {
                    best = score;
                    bestLag = lag;
                }
            }
        }
        return bestLag;
    }

    private void remember(short[] pcm, int off, int len) {
        if (len >= HISTORY) {
            for (int i = 0; i < HISTORY; i++) {
                history[i] = pcm[off + len - HISTORY + i];
            }
            return;
        }
        System.arraycopy(history, len, history, 0, HISTORY - len);
        for (int i = 0; i < len; i++) {
            history[HISTORY - len + i] = pcm[off + i];
        }
    }

    private static short toPcm(float v) {
        int s = Math.round(v);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s));
    }

    @Override
    public String toString() {
        return "plc(pitch repetition, fade to silence in " + SILENT_AFTER * 1000 / RATE + " ms)";
    }
}
