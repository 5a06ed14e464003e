package io.rtc2sip.codec.pipeline;

import io.rtc2sip.codec.dtmf.DtmfSender;
import io.rtc2sip.codec.dtmf.DtmfToneGenerator;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.resample.Resampler;
import io.rtc2sip.codec.rtp.RtpHeaderWriter;
import io.rtc2sip.codec.rtp.RtpNumbers;
import io.rtc2sip.codec.rtp.RtpPacket;

/**
 * The send half of one call's media: 10 ms frames of 48 kHz PCM in, 20 ms RTP G.711 packets
 * out through a {@link PacketSink}.
 *
 * <pre>
 *   push10ms(frame) → resample → encode → packetize (20 ms) → sink
 *   sendDigit()     → RFC 4733 events in place of audio packets, or tones mixed in band
 * </pre>
 *
 * Timestamps advance by 160 per 20 ms whether or not a packet is sent (they follow the
 * audio clock); sequence numbers advance per packet sent. The first packet carries the
 * marker bit. One thread; no allocation per frame.
 */
public final class SendPipeline {

    public static final int INPUT_RATE = 48000;
    public static final int FRAME_SAMPLES = INPUT_RATE / 100;
    static final int PACKET_SAMPLES = G711.SAMPLE_RATE / 50;
    /** 10 ms at 8 kHz: the frames of {@link #push10msNarrow}. */
    public static final int NARROW_FRAME_SAMPLES = G711.SAMPLE_RATE / 100;

    private final G711 codec;
    private final int payloadType;
    private final int eventPayloadType;
    private final PacketSink sink;
    private final Resampler resampler = Resampler.create(INPUT_RATE, G711.SAMPLE_RATE);
    private final RtpHeaderWriter header = new RtpHeaderWriter();
    private final DtmfSender dtmf = new DtmfSender(G711.SAMPLE_RATE, PACKET_SAMPLES);
    private final DtmfToneGenerator tones = new DtmfToneGenerator(G711.SAMPLE_RATE, -10);
    private final short[] narrow = new short[PACKET_SAMPLES + resampler.maxOutput(FRAME_SAMPLES)];
    private final byte[] packet = new byte[RtpPacket.FIXED_HEADER + PACKET_SAMPLES];
    private int fill;
    private boolean narrowFrames;
    private int sequence;
    private int timestamp;
    private boolean first = true;
    private int toneSamplesLeft;
    private long packetsSent;
    private long octetsSent;

    /**
     * @param eventPayloadType payload type of telephone-event, or -1 to send digits in band
     */
    public SendPipeline(G711 codec, int payloadType, int eventPayloadType, int ssrc, int firstSequence,
            int firstTimestamp, PacketSink sink) {
        this.codec = codec;
        this.payloadType = payloadType;
        this.eventPayloadType = eventPayloadType;
        this.sink = sink;
        this.sequence = firstSequence & 0xFFFF;
        this.timestamp = firstTimestamp;
        header.ssrc(ssrc);
    }

    /** With the codec's static payload type and telephone-event 101. */
    public static SendPipeline of(G711 codec, int ssrc, int firstSequence, int firstTimestamp, PacketSink sink) {
        return new SendPipeline(codec, codec.staticPayloadType(), 101, ssrc, firstSequence, firstTimestamp, sink);
    }

    /** Takes 10 ms of 48 kHz audio (480 samples); sends a packet every second call. */
    public void push10ms(short[] frame48k) {
        push10ms(frame48k, 0);
    }

    public void push10ms(short[] frame48k, int off) {
        if (narrowFrames) {
            resampler.reset(); // its history predates the narrowband frames
            narrowFrames = false;
        }
        fill += resampler.process(frame48k, off, FRAME_SAMPLES, narrow, fill);
        packetizeFull();
    }

    /**
     * Takes 10 ms of 8 kHz audio (80 samples) as it is, without resampling: for an RTC side that
     * gives narrowband audio. Sends a packet every second call.
     */
    public void push10msNarrow(short[] frame8k) {
        narrowFrames = true;
        System.arraycopy(frame8k, 0, narrow, fill, NARROW_FRAME_SAMPLES);
        fill += NARROW_FRAME_SAMPLES;
        packetizeFull();
    }

    private void packetizeFull() {
        if (fill >= PACKET_SAMPLES) {
            packetize();
            fill -= PACKET_SAMPLES;
            System.arraycopy(narrow, PACKET_SAMPLES, narrow, 0, fill);
        }
    }

    /**
     * Sends a DTMF digit: as telephone events when negotiated (queued, in place of audio
     * packets), otherwise as tones replacing the audio. In band, a digit sent while another
     * is playing is refused (returns false).
     */
    public boolean sendDigit(char digit, int durationMs) {
        if (eventPayloadType >= 0) {
            dtmf.send(digit, durationMs);
            return true;
        }
        if (toneSamplesLeft > 0) {
            return false;
        }
        tones.start(digit);
        toneSamplesLeft = durationMs * G711.SAMPLE_RATE / 1000;
        return true;
    }

    private void packetize() {
        if (eventPayloadType >= 0 && dtmf.busy()) {
            int n = dtmf.next(timestamp, packet, RtpPacket.FIXED_HEADER);
            if (n > 0) {
                emit(eventPayloadType, dtmf.marker(), dtmf.eventTimestamp(), n);
            }
        } else {
            if (toneSamplesLeft > 0) {
                int n = Math.min(toneSamplesLeft, PACKET_SAMPLES);
                tones.fill(narrow, 0, n);
                toneSamplesLeft -= n;
            }
            codec.encode(narrow, 0, packet, RtpPacket.FIXED_HEADER, PACKET_SAMPLES);
            emit(payloadType, first, timestamp, PACKET_SAMPLES);
            first = false;
        }
        timestamp = RtpNumbers.tsAdd(timestamp, PACKET_SAMPLES);
    }

    private void emit(int pt, boolean marker, int ts, int payloadLength) {
        header.payloadType(pt).marker(marker).sequenceNumber(sequence).timestamp(ts).writeHeader(packet, 0);
        int len = RtpPacket.FIXED_HEADER + payloadLength;
        sink.send(packet, 0, len);
        sequence = RtpNumbers.seqNext(sequence);
        packetsSent++;
        octetsSent += payloadLength;
    }

    /** For RTCP sender reports. */
    public long packetsSent() {
        return packetsSent;
    }

    /** Payload octets sent, for RTCP sender reports. */
    public long octetsSent() {
        return octetsSent;
    }

    /** The RTP timestamp of the next packet. */
    public int nextTimestamp() {
        return timestamp;
    }

    public double filterDelayMillis() {
        return resampler.delayMillis();
    }

    @Override
    public String toString() {
        return "frames(10 ms, " + INPUT_RATE + " Hz) -> " + resampler + " -> encode(" + codec + ") -> packetize(pt "
                + payloadType + ", 20 ms) + " + (eventPayloadType >= 0 ? dtmf + " pt " + eventPayloadType
                : "dtmf(in-band tones)");
    }
}
