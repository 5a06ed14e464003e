package io.rtc2sip.webrtc;

import io.rtc2sip.codec.jitter.FrameJitterBuffer;
import io.rtc2sip.codec.jitter.JitterConfig;
import io.rtc2sip.codec.jitter.Playout;
import io.rtc2sip.codec.pipeline.PacketSink;
import io.rtc2sip.codec.rtcp.ReceiverStats;
import io.rtc2sip.codec.rtp.RtpHeaderWriter;
import io.rtc2sip.codec.rtp.RtpPacket;
import io.rtc2sip.codec.rtp.RtpParseResult;
import java.util.Arrays;

/**
 * Opus both ways for a browser leg, narrowband at 8 kHz: the SIP side's rate, so nothing is
 * resampled anywhere between the browser and G.711. Received: RTP → {@link FrameJitterBuffer}
 * → libopus decode (its loss concealment where a packet is missing, its in-band FEC when the
 * next packet is already here) → 10 ms frames. Sent: two 10 ms frames → one 20 ms Opus packet.
 * The RTP clock is 48 kHz (RFC 7587). No allocation per frame.
 */
final class OpusAudio implements LegAudio {
  /** A 20 ms packet on the 48 kHz RTP clock. */
  private static final int PACKET_TICKS = 960;
  private static final int RTP_CLOCK = 48000;
  private static final int PACKET_SAMPLES = 2 * FRAME;

  private final OpusCodec codec;
  private final int payloadType;
  private final PacketSink sink;
  private final FrameJitterBuffer jitter = new FrameJitterBuffer(JitterConfig.opus());
  private final RtpPacket parsed = new RtpPacket();
  private final RtpHeaderWriter header = new RtpHeaderWriter();
  private final byte[] payload = new byte[1275];
  private final byte[] incoming = new byte[1275];
  private final short[] decoded = new short[OpusCodec.MAX_FRAME_48K / 6 + FRAME];
  private int decodedFill;
  private boolean heard;
  private final short[] toEncode = new short[PACKET_SAMPLES];
  private int toEncodeFill;
  private final byte[] packet = new byte[RtpPacket.FIXED_HEADER + 1275];
  private int sequence;
  private int timestamp;
  private boolean first = true;
  private long packetsSent;
  private long octetsSent;
  private long otherPayload;
  private long undecodable;
  private ReceiverStats stats;

  OpusAudio(OpusCodec codec, int payloadType, int ssrc, int firstSequence, int firstTimestamp,
      PacketSink sink) {
    if (codec.rate != 8000) {
      throw new IllegalArgumentException("a browser leg codes Opus at 8 kHz");
    }
    this.codec = codec;
    this.payloadType = payloadType;
    this.sink = sink;
    this.sequence = firstSequence & 0xFFFF;
    this.timestamp = firstTimestamp;
    header.payloadType(payloadType).ssrc(ssrc).noExtension();
  }

  @Override
  public void received(byte[] data, int offset, int length, long arrivalNanos) {
    if (parsed.parse(data, offset, length) != RtpParseResult.OK) {
      undecodable++;
      return;
    }
    if (parsed.payloadType() != payloadType) {
      otherPayload++;
      return;
    }
    int size = parsed.payloadLength();
    if (size == 0 || size > incoming.length) {
      undecodable++;
      return;
    }
    System.arraycopy(parsed.buffer(), parsed.payloadOffset(), incoming, 0, size);
    int ticks = OpusCodec.samplesIn(incoming, size);
    if (ticks < 0) {
      undecodable++;
      return;
    }
    if (stats == null || stats.ssrc() != parsed.ssrc()) {
      stats = new ReceiverStats(parsed.ssrc(), RTP_CLOCK); // once per source
    }
    stats.onPacket(parsed.sequenceNumber(), parsed.timestamp(), arrivalNanos);
    jitter.push(parsed.ssrc(), parsed.sequenceNumber(), parsed.timestamp(), ticks, incoming, 0,
        size, arrivalNanos);
    heard = true;
  }

  @Override
  public boolean pull(short[] frame, long nowNanos) {
    if (!heard) {
      return false;
    }
    while (decodedFill < FRAME) {
      Playout kind = jitter.pop(nowNanos, payload);
      int samples = jitter.lastSamples() / 6; // 48 kHz ticks to 8 kHz samples
      int n = switch (kind) {
        case AUDIO -> codec.decode(payload, jitter.lastLength(), decoded, decodedFill,
            decoded.length - decodedFill, false);
        case CONCEAL -> jitter.lastRedundant()
            ? codec.decode(payload, jitter.lastLength(), decoded, decodedFill, samples, true)
            : codec.decode(null, 0, decoded, decodedFill, samples, false);
        case SILENT -> -1;
      };
      if (n < 0) {
        n = Math.min(Math.max(samples, 1), decoded.length - decodedFill);
        Arrays.fill(decoded, decodedFill, decodedFill + n, (short) 0);
        if (kind != Playout.SILENT) {
          undecodable++;
        }
      }
      decodedFill += n;
    }
    System.arraycopy(decoded, 0, frame, 0, FRAME);
    decodedFill -= FRAME;
    System.arraycopy(decoded, FRAME, decoded, 0, decodedFill);
    return true;
  }

  @Override
  public void push(short[] frame) {
    System.arraycopy(frame, 0, toEncode, toEncodeFill, FRAME);
    toEncodeFill += FRAME;
    if (toEncodeFill < PACKET_SAMPLES) {
      return;
    }
    toEncodeFill = 0;
    int n = codec.encode(toEncode, PACKET_SAMPLES, packet, RtpPacket.FIXED_HEADER);
    if (n > 0) {
      header.marker(first).sequenceNumber(sequence).timestamp(timestamp).writeHeader(packet, 0);
      first = false;
      sequence = (sequence + 1) & 0xFFFF;
      packetsSent++;
      octetsSent += n;
      sink.send(packet, 0, RtpPacket.FIXED_HEADER + n);
    }
    timestamp += PACKET_TICKS;
  }

  @Override
  public long packetsSent() {
    return packetsSent;
  }

  @Override
  public long octetsSent() {
    return octetsSent;
  }

  @Override
  public long lost() {
    return jitter.stats().lost();
  }

  @Override
  public int nextTimestamp() {
    return timestamp;
  }

  @Override
  public ReceiverStats receiverStats() {
    return stats;
  }

  @Override
  public long refused() {
    return undecodable + otherPayload;
  }

  @Override
  public void close() {
    codec.close();
  }

  @Override
  public String toString() {
    return "opus(pt " + payloadType + ", narrowband at 8 kHz) <- " + jitter;
  }
}
