package io.rtc2sip.codec.pipeline;

/**
 * Where a {@link SendPipeline} puts each RTP packet. The buffer is reused for the next
 * packet: send or copy it before returning.
 */
@FunctionalInterface
public interface PacketSink {

    void send(byte[] packet, int off, int len);
}
