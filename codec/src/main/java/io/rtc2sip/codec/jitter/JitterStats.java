package io.rtc2sip.codec.jitter;

/**
 * Counters of a {@link JitterBuffer} at one moment. Lost packets are those whose turn came
 * without them; late ones arrived after their turn (so a late packet was usually counted
 * lost first).
 */
public record JitterStats(long pushed, long popped, long lost, long late, long duplicate, long overflow,
        long sourceChanges, long stretchedFrames, long droppedFrames, double currentDelayMs,
        double targetDelayMs, double peakJitterMs) {

    @Override
    public String toString() {
        return String.format("pushed %d popped %d lost %d late %d duplicate %d overflow %d sources %d"
                + " stretched %d dropped %d delay %.1f ms (target %.1f, jitter peak %.1f)", pushed, popped, lost,
                late, duplicate, overflow, sourceChanges, stretchedFrames, droppedFrames, currentDelayMs,
                targetDelayMs, peakJitterMs);
    }
}
