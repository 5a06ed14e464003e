package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.Baresip;
import io.rtc2sip.tests.support.TestNode;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * baresip as a real phone calls a user of the gateway: its 600 Hz reaches the user's RTC
 * client, the client's 1 kHz and a DTMF digit reach the phone.
 */
class BaresipTest {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aPhoneCallsAUserAndAudioAndDigitsFlowBothWays() throws Exception {
    Path tone = dir.resolve("tone-600.wav");
    writeTone(tone, 600, 20);
    // under target/, so its log and recordings outlive the test
    try (Baresip phone = Baresip.start(Path.of("target", "baresip").toAbsolutePath(), tone);
        SignalingCallsTest.Phone lena = new SignalingCallsTest.Phone("lena",
            node.signalingPort)) {
      phone.command("/dial sip:lena@127.0.0.1:" + node.sipPort);
      JsonNode incoming = lena.await("incoming-call");
      String callId = incoming.get("callId").asText();
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(
          new InetSocketAddress("127.0.0.1", node.rtcPort), incoming.get("channel").asText(),
          "lena")) {
        lena.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}");
        lena.await("answered");
        AtomicBoolean talking = new AtomicBoolean(true);
        Thread speaker = Tones.play(audio, 1000, talking);
        try {
          short[] heard = collect(audio, 150);
          double share = Tones.share(Tones.loudest(heard, 60), 600);
          assertTrue(share > 0.8, "600 Hz from baresip at the client: " + share);
          lena.request("{\"type\":\"dtmf\",\"callId\":\"" + callId + "\",\"digits\":\"5\"}");
          collect(audio, 100);
        } finally {
          talking.set(false);
          speaker.join();
        }
        lena.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        lena.await("ended");
      }
      String log = awaitInLog(phone, "received event");
      assertTrue(log.contains("received event: '5'"), "baresip got DTMF 5: " + phone.dir);
      // baresip completes the recording when it has processed the BYE
      short[] heardByPhone = new short[0];
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (heardByPhone.length < 8000 && System.nanoTime() < deadline) {
        Path recording = phone.recording();
        try {
          heardByPhone = recording == null ? new short[0] : read(recording);
        } catch (javax.sound.sampled.UnsupportedAudioFileException | java.io.IOException e) {
          heardByPhone = new short[0]; // header not written yet
        }
        if (heardByPhone.length < 8000) {
          Thread.sleep(100); // another process's file: poll it
        }
      }
      assertTrue(heardByPhone.length >= 8000, "baresip recorded the call: " + phone.dir);
      double share = Tones.share(Tones.loudest(upsample6(heardByPhone), 60), 1000);
      assertTrue(share > 0.5, "1 kHz from the client at baresip: " + share);
    }
  }

  private static String awaitInLog(Baresip phone, String text) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    String log = phone.log();
    while (!log.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(100); // another process's log: poll it
      log = phone.log();
    }
    return log;
  }

  private static short[] collect(LoopbackRtcClient audio, int frames) throws Exception {
    List<short[]> got = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      short[] f = audio.receive(2000);
      if (f == null) {
        break;
      }
      got.add(f);
    }
    short[] all = new short[got.size() * LoopbackRtcClient.FRAME_SAMPLES];
    for (int i = 0; i < got.size(); i++) {
      System.arraycopy(got.get(i), 0, all, i * LoopbackRtcClient.FRAME_SAMPLES,
          LoopbackRtcClient.FRAME_SAMPLES);
    }
    return all;
  }

  private static void writeTone(Path wav, double hz, int seconds) throws Exception {
    short[] s = new short[8000 * seconds];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 8000.0));
    }
    byte[] pcm = new byte[s.length * 2];
    ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(s);
    AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm),
        new AudioFormat(8000, 16, 1, true, false), s.length), AudioFileFormat.Type.WAVE,
        wav.toFile());
  }

  private static short[] read(Path wav) throws Exception {
    if (java.nio.file.Files.size(wav) < 44) {
      return new short[0];
    }
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      byte[] b = in.readAllBytes();
      short[] s = new short[b.length / 2];
      ByteBuffer.wrap(b).order(in.getFormat().isBigEndian() ? ByteOrder.BIG_ENDIAN
          : ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
      return s;
    }
  }

  /** 8 kHz to the 48 kHz that Tones measures, by repeating samples (fine for a 1 kHz check). */
  private static short[] upsample6(short[] s) {
    short[] out = new short[s.length * 6];
    for (int i = 0; i < out.length; i++) {
      out[i] = s[i / 6];
    }
    return out;
  }
}
