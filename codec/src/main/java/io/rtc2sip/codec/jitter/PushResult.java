package io.rtc2sip.codec.jitter;

/** What {@link JitterBuffer#push} did with a packet. */
public enum PushResult {
    ACCEPTED,
    /** Accepted as the first packet of a new source (new SSRC or a sequence jump): the buffer restarted. */
    RESTARTED,
    /** Already held or already played. */
    DUPLICATE,
    /** Its turn in the playout has passed. */
    LATE,
    /** Too far ahead of the playout for the buffer to hold. */
    OVERFLOW
}
