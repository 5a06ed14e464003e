package io.rtc2sip.codec.jitter;

/**
 * Sizing of a {@link JitterBuffer}.
 *
 * @param clockRate RTP clock rate of the stream (8000 for G.711)
 * @param minDelayMs lower bound of the adaptive target delay
 * @param maxDelayMs upper bound of the adaptive target delay
 * @param frameMs playout frame: the step of delay adjustments
 * @param slots packets held (a power of two); covers the maximum delay plus reordering
 * @param maxPayload largest payload kept, in bytes; longer payloads are truncated
 */
public record JitterConfig(int clockRate, int minDelayMs, int maxDelayMs, int frameMs, int slots, int maxPayload) {

    public JitterConfig {
        if (Integer.bitCount(slots) != 1 || minDelayMs < 0 || maxDelayMs < minDelayMs || frameMs <= 0
                || clockRate <= 0 || maxPayload <= 0) {
            throw new IllegalArgumentException(toString());
        }
    }

    /** G.711 at 8 kHz: 20-200 ms, 10 ms frames, 64 packets of up to 60 ms. */
    public static JitterConfig g711() {
        return new JitterConfig(8000, 20, 200, 10, 64, 480);
    }

    /** Opus at 48 kHz (whole packets, {@link FrameJitterBuffer}): 20-200 ms, 20 ms frames, 64 packets of up to 1275 bytes. */
    public static JitterConfig opus() {
        return new JitterConfig(48000, 20, 200, 20, 64, 1275);
    }

    int samples(int ms) {
        return (int) ((long) ms * clockRate / 1000);
    }
}
