package io.rtc2sip.codec.bench;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.ptr.PointerByReference;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tomp2p.opuswrapper.Opus;

/**
 * The two Opus implementations a browser leg could use, as it uses them (narrowband: 8 kHz mono,
 * VOIP, 24 kbit/s, in-band FEC) and, for comparison, fed 48 kHz audio as browsers' own encoders
 * are: libopus through JNA (opus-java, the one the webrtc module ships; interface mapping here,
 * the module binds the coding calls directly) and Concentus (a pure-Java port). One operation is
 * one 20 ms frame encoded or decoded; the decoder gets the encoder's own packets. Concentus runs
 * with -XX:-DontCompileHugeMethods: its largest methods are otherwise never compiled.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:-DontCompileHugeMethods")
@State(Scope.Thread)
public class OpusBenchmark {

  @Param({"libopus", "concentus"})
  public String implementation;

  @Param({"0", "1", "3"})
  public int complexity;

  /** 8000: narrowband as the gateway codes; 48000: fullband from 48 kHz input. */
  @Param({"8000", "48000"})
  public int rate;

  private short[] speech;
  private final byte[] packet = new byte[1275];
  private short[] pcm;
  private int frameSamples;
  private int frame;
  private int packetLength;

  private PointerByReference nativeEncoder;
  private PointerByReference nativeDecoder;
  private final ShortBuffer nativeIn =
      ByteBuffer.allocateDirect(960 * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
  private final ByteBuffer nativeOut = ByteBuffer.allocateDirect(1275);
  private final ShortBuffer nativePcm =
      ByteBuffer.allocateDirect(960 * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
  private OpusEncoder javaEncoder;
  private OpusDecoder javaDecoder;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    frameSamples = rate / 50;
    speech = Frames.speech(rate, frameSamples * 50);
    pcm = new short[frameSamples];
    if (implementation.equals("libopus")) {
      OpusLibrary.loadFromJar();
      IntBuffer error = IntBuffer.allocate(1);
      nativeEncoder = Opus.INSTANCE.opus_encoder_create(rate, 1, Opus.OPUS_APPLICATION_VOIP,
          error);
      nativeDecoder = Opus.INSTANCE.opus_decoder_create(rate, 1, error);
      Opus.INSTANCE.opus_encoder_ctl(nativeEncoder, Opus.OPUS_SET_COMPLEXITY_REQUEST, complexity);
      Opus.INSTANCE.opus_encoder_ctl(nativeEncoder, Opus.OPUS_SET_BITRATE_REQUEST, 24000);
      Opus.INSTANCE.opus_encoder_ctl(nativeEncoder, Opus.OPUS_SET_SIGNAL_REQUEST,
          Opus.OPUS_SIGNAL_VOICE);
      Opus.INSTANCE.opus_encoder_ctl(nativeEncoder, Opus.OPUS_SET_INBAND_FEC_REQUEST, 1);
      Opus.INSTANCE.opus_encoder_ctl(nativeEncoder, Opus.OPUS_SET_PACKET_LOSS_PERC_REQUEST, 5);
    } else {
      javaEncoder = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
      javaEncoder.setComplexity(complexity);
      javaEncoder.setBitrate(24000);
      javaEncoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
      javaEncoder.setUseInbandFEC(true);
      javaEncoder.setPacketLossPercent(5);
      javaDecoder = new OpusDecoder(rate, 1);
    }
    encode();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (nativeEncoder != null) {
      Opus.INSTANCE.opus_encoder_destroy(nativeEncoder);
      Opus.INSTANCE.opus_decoder_destroy(nativeDecoder);
    }
  }

  @Benchmark
  public int encode() throws Exception {
    int at = (frame++ % 50) * frameSamples;
    if (nativeEncoder != null) {
      nativeIn.clear();
      nativeIn.put(speech, at, frameSamples).flip();
      nativeOut.clear();
      packetLength = Opus.INSTANCE.opus_encode(nativeEncoder, nativeIn, frameSamples, nativeOut,
          1275);
      nativeOut.get(packet, 0, packetLength);
    } else {
      packetLength = javaEncoder.encode(speech, at, frameSamples, packet, 0, packet.length);
    }
    return packetLength;
  }

  @Benchmark
  public int decode() throws Exception {
    if (nativeDecoder != null) {
      nativePcm.clear();
      int n = Opus.INSTANCE.opus_decode(nativeDecoder, packet, packetLength, nativePcm,
          frameSamples, 0);
      nativePcm.get(pcm, 0, n);
      return n;
    }
    return javaDecoder.decode(packet, 0, packetLength, pcm, 0, frameSamples, false);
  }
}
