package io.rtc2sip.codec.pipeline;

import io.rtc2sip.codec.dtmf.DigitListener;
import io.rtc2sip.codec.dtmf.DtmfReceiver;
import io.rtc2sip.codec.dtmf.GoertzelDetector;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.jitter.JitterBuffer;
import io.rtc2sip.codec.jitter.JitterConfig;
import io.rtc2sip.codec.jitter.JitterStats;
import io.rtc2sip.codec.jitter.Playout;
import io.rtc2sip.codec.plc.ComfortNoise;
import io.rtc2sip.codec.plc.LossConcealer;
import io.rtc2sip.codec.rtcp.ReceiverStats;
import io.rtc2sip.codec.resample.Resampler;
import io.rtc2sip.codec.rtp.RtpParseResult;
import java.util.function.LongSupplier;

/**
 * The receive half of one call's media: RTP G.711 in, 10 ms frames of 48 kHz PCM out.
 *
 * <pre>
 *   push(packet) → depacketize → jitter buffer
 *   pull10ms()   ← jitter buffer → decode → conceal (PLC, comfort noise) → resample → frame
 * </pre>
 *
 * Packets are pushed by the socket reader as they arrive; frames are pulled by the media
 * clock every 10 ms. Both sides must run on one thread (or be serialised by the caller).
 * Time comes from the injected clock (nanoseconds, monotonic). No allocation per packet or
 * frame, except a new statistics object when the far end changes SSRC.
 */
public final class ReceivePipeline {

    public static final int OUTPUT_RATE = 48000;
    public static final int FRAME_SAMPLES = OUTPUT_RATE / 100;
    /** 10 ms at G.711's 8 kHz: the frames of {@link #pull10msNarrow}. */
    public static final int NARROW_FRAME_SAMPLES = G711.SAMPLE_RATE / 100;
    static final int NARROW_FRAME = NARROW_FRAME_SAMPLES;

    private final G711 codec;
    private final LongSupplier clock;
    private final JitterBuffer jitterBuffer;
    private final DtmfReceiver dtmf;
    /** Digits sent as tones: listened for when the peer did not agree to telephone-event. */
    private final GoertzelDetector inBand;
    private final Depacketizer depacketizer;
    private final LossConcealer concealer = new LossConcealer();
    private final ComfortNoise comfortNoise;
    private final Resampler resampler = Resampler.create(G711.SAMPLE_RATE, OUTPUT_RATE);
    private final byte[] codes = new byte[NARROW_FRAME];
    private final short[] narrow = new short[NARROW_FRAME];
    private boolean heardAudio;
    private boolean skipped;

    /**
     * @param eventPayloadType payload type of telephone-event, or -1 if none was negotiated
     * @param digits told of each digit received: as a telephone event, or, when no
     *     telephone-event payload type was negotiated, as in-band tones in the audio
     * @param clock nanoseconds of a monotonic clock (System::nanoTime in production)
     */
    public ReceivePipeline(G711 codec, int audioPayloadType, int eventPayloadType, JitterConfig jitter,
            DigitListener digits, LongSupplier clock) {
        this.codec = codec;
        this.clock = clock;
        this.jitterBuffer = new JitterBuffer(jitter);
        this.dtmf = new DtmfReceiver(digits);
        this.inBand = eventPayloadType < 0 ? new GoertzelDetector(digits) : null;
        this.depacketizer = new Depacketizer(codec, audioPayloadType, eventPayloadType, jitterBuffer, dtmf);
        this.comfortNoise = new ComfortNoise(-70, audioPayloadType * 31 + 7);
    }

    /** With the codec's static payload type, telephone-event 101 and the default jitter buffer. */
    public static ReceivePipeline of(G711 codec, DigitListener digits, LongSupplier clock) {
        return new ReceivePipeline(codec, codec.staticPayloadType(), 101, JitterConfig.g711(), digits, clock);
    }

    /** Takes one received RTP packet; returns OK or why it was rejected. */
    public RtpParseResult push(byte[] packet, int len, long arrivalNanos) {
        return depacketizer.push(packet, 0, len, arrivalNanos);
    }

    public RtpParseResult push(byte[] packet, int off, int len, long arrivalNanos) {
        return depacketizer.push(packet, off, len, arrivalNanos);
    }

    /** Writes the next 10 ms (480 samples at 48 kHz) into {@code out}, at the clock's time. */
    public void pull10ms(short[] out) {
        pull10ms(out, clock.getAsLong());
    }

    public void pull10ms(short[] out, long nowNanos) {
        narrow10ms(nowNanos);
        if (skipped) {
            resampler.reset(); // what was skipped is not history of what follows
            skipped = false;
        }
        resampler.process(narrow, 0, NARROW_FRAME, out, 0);
    }

    /**
     * Writes the next 10 ms at 8 kHz (80 samples) into {@code out}, without resampling: for an
     * RTC side that takes narrowband audio. The 48 kHz filter's history is dropped, as for
     * {@link #skip10ms}.
     */
    public void pull10msNarrow(short[] out, long nowNanos) {
        narrow10ms(nowNanos);
        System.arraycopy(narrow, 0, out, 0, NARROW_FRAME);
        skipped = true;
    }

    /**
     * Plays out the next 10 ms without producing them: the jitter buffer, loss concealment and
     * in-band DTMF detection go on as in {@link #pull10ms}, only the resampling to 48 kHz is
     * skipped (nobody on the RTC side listens).
     */
    public void skip10ms(long nowNanos) {
        narrow10ms(nowNanos);
        skipped = true;
    }

    private void narrow10ms(long nowNanos) {
        int filled = 0;
        while (filled < NARROW_FRAME) {
            Playout kind = jitterBuffer.pop(nowNanos, codes, filled, NARROW_FRAME - filled);
            int n = jitterBuffer.lastCount();
            if (kind == Playout.AUDIO) {
                codec.decode(codes, filled, narrow, filled, n);
                concealer.received(narrow, filled, n);
                if (inBand != null) {
                    inBand.process(narrow, filled, n);
                }
                heardAudio = true;
            } else if (heardAudio && !concealer.faded()) {
                concealer.conceal(narrow, filled, n);
            } else {
                comfortNoise.fill(narrow, filled, n);
            }
            filled += n;
        }
    }

    public JitterStats jitterStats() {
        return jitterBuffer.stats();
    }

    /** RFC 3550 statistics of the current source (for RTCP receiver reports), or null before any packet. */
    public ReceiverStats receiverStats() {
        return depacketizer.stats();
    }

    /** Packets rejected as malformed. */
    public long malformed() {
        return depacketizer.malformed();
    }

    /** Packets of a payload type other than the codec's and telephone-event's. */
    public long otherPayload() {
        return depacketizer.otherPayload();
    }

    /** Delay added by the stages after the jitter buffer (the resampler's filter), in ms. */
    public double filterDelayMillis() {
        return resampler.delayMillis();
    }

    @Override
    public String toString() {
        return depacketizer + " -> " + jitterBuffer + " -> decode(" + codec + ")"
                + (inBand != null ? " + dtmf(in-band tones)" : "") + " -> " + concealer + " + "
                + comfortNoise + " -> " + resampler + " -> frames(10 ms, " + OUTPUT_RATE + " Hz)";
    }
}
