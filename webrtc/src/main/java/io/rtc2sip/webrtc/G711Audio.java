package io.rtc2sip.webrtc;

import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.jitter.JitterConfig;
import io.rtc2sip.codec.pipeline.PacketSink;
import io.rtc2sip.codec.pipeline.ReceivePipeline;
import io.rtc2sip.codec.pipeline.SendPipeline;
import io.rtc2sip.codec.rtcp.ReceiverStats;
import java.util.function.LongSupplier;

/**
 * G.711 both ways for a browser leg that chose PCMU or PCMA: the media bridge's own receive and
 * send pipelines (jitter buffer, loss concealment) at 8 kHz, without telephone-event (digits
 * come over signaling).
 */
final class G711Audio implements LegAudio {
  /** Outside RTP's 7-bit payload types. */
  private static final int NO_EVENTS = 128;
  private final ReceivePipeline receive;
  private final SendPipeline send;
  private boolean heard;

  G711Audio(G711 codec, int payloadType, int ssrc, int firstSequence, int firstTimestamp,
      PacketSink sink, LongSupplier clock) {
    // digits come over signaling: no telephone-event, and no listening for tones in the audio
    // (an event payload type no packet can carry turns the in-band detector off)
    receive = new ReceivePipeline(codec, payloadType, NO_EVENTS, JitterConfig.g711(),
        digit -> { }, clock);
    send = new SendPipeline(codec, payloadType, -1, ssrc, firstSequence, firstTimestamp, sink);
  }

  @Override
  public void received(byte[] packet, int offset, int length, long arrivalNanos) {
    receive.push(packet, offset, length, arrivalNanos);
    heard = true;
  }

  @Override
  public boolean pull(short[] frame, long nowNanos) {
    if (!heard) {
      return false;
    }
    receive.pull10msNarrow(frame, nowNanos);
    return true;
  }

  @Override
  public void push(short[] frame) {
    send.push10msNarrow(frame);
  }

  @Override
  public long packetsSent() {
    return send.packetsSent();
  }

  @Override
  public long octetsSent() {
    return send.octetsSent();
  }

  @Override
  public long lost() {
    return receive.jitterStats().lost();
  }

  @Override
  public int nextTimestamp() {
    return send.nextTimestamp();
  }

  @Override
  public void close() {
    // nothing native
  }

  @Override
  public long refused() {
    return receive.malformed() + receive.otherPayload();
  }

  @Override
  public ReceiverStats receiverStats() {
    return receive.receiverStats();
  }

  @Override
  public String toString() {
    return receive.toString();
  }
}
