package io.rtc2sip.codec.dtmf;

/**
 * Sends digits as RFC 4733 telephone events, one packet per packet interval: the first
 * with the marker bit, then continuations with a growing duration, then the end packet
 * three times (the usual protection against loss). All packets of a digit carry the RTP
 * timestamp of its first packet; the caller owns the stream's timeline and tells which
 * timestamp the current packet interval starts at. Digits queue; they are separated by a
 * pause of three packet intervals.
 *
 * <pre>
 *   IDLE --digit queued--&gt; SENDING --duration reached--&gt; ENDING (x3) --&gt; PAUSE --&gt; IDLE
 * </pre>
 */
public final class DtmfSender {

    static final int END_REPEATS = 3;
    static final int PAUSE_PACKETS = 3;
    private static final int QUEUE = 64;

    private enum State { IDLE, SENDING, ENDING, PAUSE }

    private final int packetSamples;
    private final int samplesPerMs;
    private final char[] digits = new char[QUEUE];
    private final int[] durations = new int[QUEUE];
    private int head;
    private int size;
    private int volume = 10;

    private State state = State.IDLE;
    private int event;
    private int eventTimestamp;
    private int target;
    private int duration;
    private int count;
    private boolean marker;

    /** @param packetSamples timestamp units per packet interval (160 for 20 ms at 8 kHz) */
    public DtmfSender(int clockRate, int packetSamples) {
        this.packetSamples = packetSamples;
        this.samplesPerMs = clockRate / 1000;
    }

    /** Volume of the following events, 0-63 (-dBm0); 10 by default. */
    public DtmfSender volume(int volume) {
        if (volume < 0 || volume > 63) {
            throw new IllegalArgumentException("volume " + volume);
        }
        this.volume = volume;
        return this;
    }

    /** Queues a digit to last {@code durationMs} (rounded up to whole packets, at least one). */
    public void send(char digit, int durationMs) {
        Dtmf.requireDigit(digit);
        if (size == QUEUE) {
            throw new IllegalStateException("DTMF queue full");
        }
        int at = (head + size++) % QUEUE;
        digits[at] = digit;
        durations[at] = Math.min(0xFFFF, Math.max(packetSamples,
                (durationMs * samplesPerMs + packetSamples - 1) / packetSamples * packetSamples));
    }

    /** True while this packet interval belongs to DTMF (an event or the pause after it): send no audio. */
    public boolean busy() {
        return state != State.IDLE || size > 0;
    }

    /**
     * Produces this packet interval's event payload at {@code dst[off]} and returns its length,
     * or 0 when there is nothing to send in this interval (idle, or the pause between digits).
     *
     * @param intervalTimestamp the RTP timestamp at which this packet interval starts
     */
    public int next(int intervalTimestamp, byte[] dst, int off) {
        marker = false;
        if (state == State.PAUSE) {
            if (++count >= PAUSE_PACKETS) {
                state = State.IDLE;
            }
            return 0;
        }
        if (state == State.IDLE) {
            if (size == 0) {
                return 0;
            }
            event = Dtmf.event(digits[head]);
            target = durations[head];
            head = (head + 1) % QUEUE;
            size--;
            eventTimestamp = intervalTimestamp;
            duration = 0;
            marker = true;
            state = State.SENDING;
        }
        if (state == State.SENDING) {
            duration += packetSamples;
            if (duration < target) {
                return TelephoneEvent.write(dst, off, event, false, volume, duration);
            }
            state = State.ENDING;
            count = 0;
        }
        TelephoneEvent.write(dst, off, event, true, volume, duration);
        if (++count == END_REPEATS) {
            state = State.PAUSE;
            count = 0;
        }
        return TelephoneEvent.LENGTH;
    }

    /** Whether the packet produced by the last {@link #next} starts an event (RTP marker bit). */
    public boolean marker() {
        return marker;
    }

    /** The RTP timestamp for the packet produced by the last {@link #next}. */
    public int eventTimestamp() {
        return eventTimestamp;
    }

    @Override
    public String toString() {
        return "dtmf(RFC 4733, end x" + END_REPEATS + ")";
    }
}
