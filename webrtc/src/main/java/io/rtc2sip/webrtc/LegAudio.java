package io.rtc2sip.webrtc;

import io.rtc2sip.codec.rtcp.ReceiverStats;

/**
 * The codec side of a browser leg: decrypted RTP from the browser in, 10 ms frames of 8 kHz PCM
 * out (G.711's rate: the SIP side needs no resampling), and back. Used by the media clock thread
 * only (close excepted).
 */
interface LegAudio extends AutoCloseable {
  /** Samples of a 10 ms frame at 8 kHz. */
  int FRAME = 80;

  /** A decrypted RTP packet from the browser. */
  void received(byte[] packet, int offset, int length, long arrivalNanos);

  /** The browser's next 10 ms into {@code frame}; false while nothing arrived yet. */
  boolean pull(short[] frame, long nowNanos);

  /** 10 ms for the browser; RTP packets go to the leg's {@code PacketSink}. */
  void push(short[] frame);

  /** Packets and payload octets sent (RTCP sender report). */
  long packetsSent();

  long octetsSent();

  /** Packets of the browser's that never arrived (sequence gaps). */
  long lost();

  /** Packets refused: not RTP, not decodable, or of another payload type. */
  long refused();

  /**
   * RFC 3550 statistics of the browser's stream, for the report block of our RTCP (the browser
   * adapts its sending, Opus FEC included, to the loss it reports); null before any packet.
   */
  ReceiverStats receiverStats();

  /** The RTP timestamp of the next packet sent. */
  int nextTimestamp();

  @Override
  void close();
}
