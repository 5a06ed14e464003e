package io.rtc2sip.codec.dtmf;

import io.rtc2sip.codec.rtp.RtpNumbers;

/**
 * Turns received RFC 4733 telephone-event packets into digits, each reported once: an event
 * is identified by its RTP timestamp, so continuations, retransmitted ends and reordered
 * packets of the same event are not reported again, and a digit whose first packets were
 * lost is reported from whichever packet arrives first.
 */
public final class DtmfReceiver {

    /** What one packet meant. */
    public enum Outcome {
        /** A new digit: the listener was told. */
        DIGIT,
        /** A continuation or end of an event already reported. */
        CONTINUATION,
        /** An event that is not a DTMF digit (0-15): ignored. */
        NOT_DTMF,
        /** Payload shorter than 4 bytes. */
        MALFORMED,
        /** A packet of an event older than the last one reported. */
        STALE
    }

    private final DigitListener listener;
    private boolean haveEvent;
    private int lastTimestamp;
    private int lastDuration;
    private boolean lastEnded;
    private long digits;

    public DtmfReceiver(DigitListener listener) {
        this.listener = listener;
    }

    public Outcome onPacket(int rtpTimestamp, byte[] payload, int off, int len) {
        if (payload == null || len < TelephoneEvent.LENGTH || off < 0 || off > payload.length - len) {
            return Outcome.MALFORMED;
        }
        int event = payload[off] & 0xFF;
        if (event > 15) {
            return Outcome.NOT_DTMF;
        }
        boolean end = (payload[off + 1] & 0x80) != 0;
        int duration = ((payload[off + 2] & 0xFF) << 8) | (payload[off + 3] & 0xFF);
        if (haveEvent && rtpTimestamp == lastTimestamp) {
            lastDuration = Math.max(lastDuration, duration);
            lastEnded |= end;
            return Outcome.CONTINUATION;
        }
        if (haveEvent && RtpNumbers.tsAfter(lastTimestamp, rtpTimestamp)) {
            return Outcome.STALE;
        }
        haveEvent = true;
        lastTimestamp = rtpTimestamp;
        lastDuration = duration;
        lastEnded = end;
        digits++;
        listener.onDigit(Dtmf.digit(event));
        return Outcome.DIGIT;
    }

    /** Duration of the latest event so far, in timestamp units. */
    public int lastDuration() {
        return lastDuration;
    }

    /** Whether an end packet of the latest event has arrived. */
    public boolean lastEnded() {
        return lastEnded;
    }

    public long digits() {
        return digits;
    }
}
