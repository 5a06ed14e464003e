package io.rtc2sip.webrtc;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import tomp2p.opuswrapper.Opus;

/**
 * Opus for one browser leg: libopus (through JNA, the library shipped in the opus-java jar) at
 * 48 kHz mono, an encoder for what the gateway sends and a decoder for what the browser sends.
 * Both native states are freed by {@link #close}, which may come from another thread than the
 * media clock that codes: coding and freeing take the same lock, and coding after close does
 * nothing. Buffers are allocated once.
 */
final class OpusCodec implements AutoCloseable {
  /** Samples of the longest Opus packet at 48 kHz (120 ms). */
  static final int MAX_FRAME = 5760;
  private static final int MAX_PACKET = 1275;
  private static boolean loaded;

  private final ShortBuffer encodeIn =
      ByteBuffer.allocateDirect(MAX_FRAME * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
  private final ByteBuffer encodeOut = ByteBuffer.allocateDirect(MAX_PACKET);
  private final ShortBuffer decodeOut =
      ByteBuffer.allocateDirect(MAX_FRAME * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
  private PointerByReference encoder;
  private PointerByReference decoder;

  /** Loads libopus once per JVM; a clear error when this platform has none. */
  static synchronized void load() {
    if (loaded) {
      return;
    }
    try {
      if (!OpusLibrary.isSupportedPlatform() || !OpusLibrary.loadFromJar()) {
        throw new IllegalStateException("libopus is not available for this platform ("
            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
      }
    } catch (IOException | LinkageError e) {
      throw new IllegalStateException("libopus could not be loaded: " + e, e);
    }
    loaded = true;
  }

  OpusCodec(int complexity, int bitrate, WebRtcSettings.OpusBandwidth bandwidth) {
    load();
    IntBuffer error = IntBuffer.allocate(1);
    encoder = Opus.INSTANCE.opus_encoder_create(48000, 1, Opus.OPUS_APPLICATION_VOIP, error);
    check(error.get(0), "opus_encoder_create");
    decoder = Opus.INSTANCE.opus_decoder_create(48000, 1, error);
    if (error.get(0) != Opus.OPUS_OK) {
      Opus.INSTANCE.opus_encoder_destroy(encoder);
      check(error.get(0), "opus_decoder_create");
    }
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_COMPLEXITY_REQUEST, complexity);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_BITRATE_REQUEST, bitrate);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_SIGNAL_REQUEST, Opus.OPUS_SIGNAL_VOICE);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_MAX_BANDWIDTH_REQUEST,
        switch (bandwidth) {
          case NARROWBAND -> Opus.OPUS_BANDWIDTH_NARROWBAND;
          case WIDEBAND -> Opus.OPUS_BANDWIDTH_WIDEBAND;
          case FULLBAND -> Opus.OPUS_BANDWIDTH_FULLBAND;
        });
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_INBAND_FEC_REQUEST, 1);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_PACKET_LOSS_PERC_REQUEST, 5);
  }

  private static void check(int code, String what) {
    if (code != Opus.OPUS_OK) {
      throw new IllegalStateException(what + " failed with error " + code);
    }
  }

  /**
   * Encodes {@code samples} samples of {@code pcm} into {@code out} at {@code offset}.
   *
   * @return the packet's length, or -1 after close or on an encoder error
   */
  synchronized int encode(short[] pcm, int samples, byte[] out, int offset) {
    if (encoder == null) {
      return -1;
    }
    encodeIn.clear();
    encodeIn.put(pcm, 0, samples).flip();
    encodeOut.clear();
    int n = Opus.INSTANCE.opus_encode(encoder, encodeIn, samples, encodeOut,
        Math.min(MAX_PACKET, out.length - offset));
    if (n < 0) {
      return -1;
    }
    encodeOut.get(out, offset, n);
    return n;
  }

  /**
   * Decodes one packet ({@code packet} null: conceals {@code maxSamples} lost samples) into
   * {@code out} at {@code offset}; with {@code fec}, recovers the {@code maxSamples} before this
   * packet from its redundancy.
   *
   * @return samples decoded, or -1 after close or for a packet libopus refuses
   */
  synchronized int decode(byte[] packet, int length, short[] out, int offset, int maxSamples,
      boolean fec) {
    if (decoder == null) {
      return -1;
    }
    decodeOut.clear();
    int n = Opus.INSTANCE.opus_decode(decoder, packet, packet == null ? 0 : length, decodeOut,
        Math.min(maxSamples, MAX_FRAME), fec ? 1 : 0);
    if (n < 0) {
      return -1;
    }
    decodeOut.get(out, offset, n);
    return n;
  }

  /** Samples in an Opus packet at 48 kHz, or -1 for a malformed one. */
  static int samplesIn(byte[] packet, int length) {
    int n = Opus.INSTANCE.opus_packet_get_nb_samples(packet, length, 48000);
    return n <= 0 || n > MAX_FRAME ? -1 : n;
  }

  @Override
  public synchronized void close() {
    if (encoder != null) {
      Opus.INSTANCE.opus_encoder_destroy(encoder);
      Opus.INSTANCE.opus_decoder_destroy(decoder);
      encoder = null;
      decoder = null;
    }
  }
}
