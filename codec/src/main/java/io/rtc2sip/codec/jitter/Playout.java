package io.rtc2sip.codec.jitter;

/** What {@link JitterBuffer#pop} handed out for the next stretch of the playout timeline. */
public enum Playout {
    /** Received audio was copied out. */
    AUDIO,
    /** Audio is missing here (lost, late, or held back to grow the delay): conceal it. */
    CONCEAL,
    /** Nothing to play: not started yet, or the far end is sending nothing (pause, hold). */
    SILENT
}
