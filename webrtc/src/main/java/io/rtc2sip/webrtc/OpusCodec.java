package io.rtc2sip.webrtc;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.IntBuffer;
import tomp2p.opuswrapper.Opus;

/**
 * Opus for one browser leg: libopus (the library shipped in the opus-java jar) mono at 8 kHz,
 * an encoder for what the gateway sends and a decoder for what the browser sends. 8 kHz is all
 * the SIP side's G.711 carries; at it libopus neither resamples nor analyses a 48 kHz signal,
 * which cost more than the encoding itself. The RTP clock stays 48 kHz (RFC 7587).
 *
 * <p>Both native states are freed by {@link #close}, which may come from another thread than the
 * media clock that codes: coding and freeing take the same lock, and coding after close does
 * nothing. Buffers are allocated once.
 */
final class OpusCodec implements AutoCloseable {
  /** The longest Opus packet (120 ms), in samples at 48 kHz. */
  static final int MAX_FRAME_48K = 5760;
  private static final int MAX_PACKET = 1275;
  private static boolean loaded;

  final int rate = 8000;
  private final int maxFrame = MAX_FRAME_48K / 6;
  // native buffers: each call copies in and out only as much as it uses
  private final Memory pcmIn = new Memory(maxFrame * 2L);
  private final Memory pcmOut = new Memory(maxFrame * 2L);
  private final Memory packetIn = new Memory(MAX_PACKET);
  private final Memory packetOut = new Memory(MAX_PACKET);
  private PointerByReference encoder;
  private PointerByReference decoder;

  /**
   * libopus's coding functions bound directly (JNA direct mapping): several times cheaper per
   * call than opus-java's interface mapping, which stays for setting up.
   */
  private static final class Direct {
    static native int opus_encode(Pointer st, Pointer pcm, int frameSize, Pointer data,
        int maxBytes);

    static native int opus_decode(Pointer st, Pointer data, int len, Pointer pcm, int frameSize,
        int decodeFec);

    static native int opus_packet_get_nb_samples(byte[] packet, int len, int fs);
  }

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
    Native.register(Direct.class, NativeLibrary.getInstance(System.getProperty("opus.lib")));
    loaded = true;
  }

  OpusCodec(int complexity, int bitrate) {
    load();
    IntBuffer error = IntBuffer.allocate(1);
    // opus-java maps the returned state pointer as a PointerByReference: getPointer() is it
    encoder = Opus.INSTANCE.opus_encoder_create(rate, 1, Opus.OPUS_APPLICATION_VOIP, error);
    check(error.get(0), "opus_encoder_create");
    decoder = Opus.INSTANCE.opus_decoder_create(rate, 1, error);
    if (error.get(0) != Opus.OPUS_OK) {
      Opus.INSTANCE.opus_encoder_destroy(encoder);
      check(error.get(0), "opus_decoder_create");
    }
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_COMPLEXITY_REQUEST, complexity);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_BITRATE_REQUEST, bitrate);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_SIGNAL_REQUEST, Opus.OPUS_SIGNAL_VOICE);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_INBAND_FEC_REQUEST, 1);
    Opus.INSTANCE.opus_encoder_ctl(encoder, Opus.OPUS_SET_PACKET_LOSS_PERC_REQUEST, 5);
  }

  private static void check(int code, String what) {
    if (code != Opus.OPUS_OK) {
      throw new IllegalStateException(what + " failed with error " + code);
    }
  }

  /**
   * Encodes {@code samples} samples (8 kHz) of {@code pcm} into {@code out} at {@code offset}.
   *
   * @return the packet's length, or -1 after close or on an encoder error
   */
  synchronized int encode(short[] pcm, int samples, byte[] out, int offset) {
    if (encoder == null || samples > maxFrame) {
      return -1;
    }
    pcmIn.write(0, pcm, 0, samples);
    int n = Direct.opus_encode(encoder.getPointer(), pcmIn, samples, packetOut, MAX_PACKET);
    if (n < 0 || n > out.length - offset) {
      return -1;
    }
    packetOut.read(0, out, offset, n);
    return n;
  }

  /**
   * Decodes one packet ({@code packet} null: conceals {@code samples} lost samples) into {@code
   * out} at {@code offset}, at 8 kHz; with {@code fec}, rebuilds the {@code samples} before this
   * packet from its redundancy.
   *
   * @return samples decoded, or -1 after close or for a packet libopus refuses
   */
  synchronized int decode(byte[] packet, int length, short[] out, int offset, int samples,
      boolean fec) {
    if (decoder == null || length > MAX_PACKET) {
      return -1;
    }
    if (packet != null) {
      packetIn.write(0, packet, 0, length);
    }
    int n = Direct.opus_decode(decoder.getPointer(), packet == null ? null : packetIn,
        packet == null ? 0 : length, pcmOut, Math.min(samples, maxFrame), fec ? 1 : 0);
    if (n < 0 || n > out.length - offset) {
      return -1;
    }
    pcmOut.read(0, out, offset, n);
    return n;
  }

  /** Samples in an Opus packet at 48 kHz, or -1 for a malformed one. */
  static int samplesIn(byte[] packet, int length) {
    int n = Direct.opus_packet_get_nb_samples(packet, length, 48000);
    return n <= 0 || n > MAX_FRAME_48K ? -1 : n;
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
