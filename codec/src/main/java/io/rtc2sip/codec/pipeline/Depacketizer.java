package io.rtc2sip.codec.pipeline;

import io.rtc2sip.codec.dtmf.DtmfReceiver;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.jitter.JitterBuffer;
import io.rtc2sip.codec.rtcp.ReceiverStats;
import io.rtc2sip.codec.rtp.RtpPacket;
import io.rtc2sip.codec.rtp.RtpParseResult;

/**
 * First receive stage: parses RTP, keeps RFC 3550 receiver statistics of the stream, and
 * routes by payload type: audio to the jitter buffer, telephone events to the DTMF receiver
 * (their sequence numbers still reach the jitter buffer, as places without audio). Anything
 * else is counted and dropped.
 */
final class Depacketizer {

    private final G711 codec;
    private final int audioPayloadType;
    private final int eventPayloadType;
    private final JitterBuffer jitterBuffer;
    private final DtmfReceiver dtmf;
    private final RtpPacket packet = new RtpPacket();
    private ReceiverStats stats;
    private long malformed;
    private long otherPayload;
    private RtpParseResult lastRejection = RtpParseResult.OK;

    Depacketizer(G711 codec, int audioPayloadType, int eventPayloadType, JitterBuffer jitterBuffer,
            DtmfReceiver dtmf) {
        this.codec = codec;
        this.audioPayloadType = audioPayloadType;
        this.eventPayloadType = eventPayloadType;
        this.jitterBuffer = jitterBuffer;
        this.dtmf = dtmf;
    }

    RtpParseResult push(byte[] buf, int off, int len, long arrivalNanos) {
        RtpParseResult result = packet.parse(buf, off, len);
        if (!result.ok()) {
            malformed++;
            lastRejection = result;
            return result;
        }
        int pt = packet.payloadType();
        if (pt != audioPayloadType && pt != eventPayloadType) {
            otherPayload++;
            return result;
        }
        if (stats == null || stats.ssrc() != packet.ssrc()) {
            stats = new ReceiverStats(packet.ssrc(), G711.SAMPLE_RATE); // once per source
        }
        stats.onPacket(packet.sequenceNumber(), packet.timestamp(), arrivalNanos);
        if (pt == audioPayloadType) {
            jitterBuffer.push(packet, arrivalNanos);
        } else {
            dtmf.onPacket(packet.timestamp(), packet.buffer(), packet.payloadOffset(), packet.payloadLength());
            jitterBuffer.push(packet.ssrc(), packet.sequenceNumber(), packet.timestamp(), buf, off, 0, arrivalNanos);
        }
        return result;
    }

    /** Receiver statistics of the current source, or null before the first packet. */
    ReceiverStats stats() {
        return stats;
    }

    long malformed() {
        return malformed;
    }

    long otherPayload() {
        return otherPayload;
    }

    RtpParseResult lastRejection() {
        return lastRejection;
    }

    @Override
    public String toString() {
        return "depacketize(" + codec + " pt " + audioPayloadType
                + (eventPayloadType >= 0 ? ", telephone-event pt " + eventPayloadType : "") + ")";
    }
}
