package io.rtc2sip.client;

import io.rtc2sip.codec.resample.Resampler;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * The CLI's audio in a call on the loopback RTC network: plays a WAV file into the call (mono
 * 16-bit at 8, 16 or 48 kHz, once, then silence) and records what it hears to a 48 kHz WAV.
 * When the call moves to another node, {@link #rejoin} joins its channel there; playing and
 * recording go on.
 */
final class CallAudio implements AutoCloseable {
  private static final int FRAME = LoopbackRtcClient.FRAME_SAMPLES;

  private final String callId;
  private final String channel;
  private final String uid;
  private volatile LoopbackRtcClient client;
  private volatile InetSocketAddress network;
  private final Path record;
  private final ByteArrayOutputStream heard = new ByteArrayOutputStream();
  private final Thread sender;
  private final Thread receiver;
  private volatile boolean running = true;

  private CallAudio(String callId, InetSocketAddress network, String channel, String uid,
      LoopbackRtcClient client, short[] play, Path record) {
    this.callId = callId;
    this.network = network;
    this.channel = channel;
    this.uid = uid;
    this.client = client;
    this.record = record;
    this.sender = new Thread(() -> send(play), "cli-audio-send");
    this.receiver = new Thread(this::receive, "cli-audio-receive");
    sender.setDaemon(true);
    receiver.setDaemon(true);
    sender.start();
    receiver.start();
  }

  static CallAudio start(String callId, InetSocketAddress network, String channel, String uid,
      Path play, Path record) throws IOException, UnsupportedAudioFileException {
    short[] samples = play == null ? new short[0] : read48k(play);
    return new CallAudio(callId, network, channel, uid,
        LoopbackRtcClient.join(network, channel, uid), samples, record);
  }

  String callId() {
    return callId;
  }

  InetSocketAddress network() {
    return network;
  }

  /**
   * Joins the call's channel on the loopback RTC network at {@code to} (the node now running the
   * call) and leaves the old one; false when already there.
   */
  synchronized boolean rejoin(InetSocketAddress to) throws IOException {
    if (to.equals(network)) {
      return false;
    }
    LoopbackRtcClient old = client;
    client = LoopbackRtcClient.join(to, channel, uid);
    network = to;
    old.close();
    return true;
  }

  private void send(short[] play) {
    short[] frame = new short[FRAME];
    long start = System.nanoTime();
    for (int k = 0; running; k++) {
      int from = k * FRAME;
      for (int i = 0; i < FRAME; i++) {
        frame[i] = from + i < play.length ? play[from + i] : 0;
      }
      try {
        client.send(frame);
      } catch (IOException e) {
        // the node went away (ICMP unreachable): frames resume once the call is rejoined
      }
      long wait = start + (k + 1) * 10_000_000L - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  private void receive() {
    ByteBuffer bytes = ByteBuffer.allocate(2 * FRAME).order(ByteOrder.LITTLE_ENDIAN);
    while (running) {
      try {
        short[] f = client.receive(200);
        if (f == null) {
          continue;
        }
        bytes.clear();
        for (short s : f) {
          bytes.putShort(s);
        }
        synchronized (heard) {
          heard.write(bytes.array(), 0, bytes.position());
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    client.close();
    try {
      sender.join(1000);
      receiver.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (record != null) {
      byte[] pcm;
      synchronized (heard) {
        pcm = heard.toByteArray();
      }
      AudioFormat format = new AudioFormat(48000, 16, 1, true, false);
      AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format,
          pcm.length / 2);
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, record.toFile());
    }
  }

  /** Reads a mono 16-bit WAV at 8, 16 or 48 kHz as 48 kHz samples. */
  static short[] read48k(Path wav) throws IOException, UnsupportedAudioFileException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      AudioFormat f = in.getFormat();
      if (f.getChannels() != 1 || f.getSampleSizeInBits() != 16
          || f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
        throw new UnsupportedAudioFileException(wav + ": need mono 16-bit PCM, got " + f);
      }
      byte[] bytes = in.readAllBytes();
      ByteBuffer b = ByteBuffer.wrap(bytes)
          .order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      short[] pcm = new short[bytes.length / 2];
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = b.getShort();
      }
      Resampler r = Resampler.create((int) f.getSampleRate(), 48000);
      short[] out = new short[r.maxOutput(pcm.length)];
      int n = r.process(pcm, 0, pcm.length, out, 0);
      return java.util.Arrays.copyOf(out, n);
    }
  }
}
