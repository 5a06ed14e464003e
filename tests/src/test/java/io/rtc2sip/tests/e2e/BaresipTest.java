package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.Baresip;
import io.rtc2sip.tests.support.TestNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    Tones.writeWav8k(tone, 600, 20);
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
        Tones.sayWhileHearing(audio, 1000, heard -> {
          double share = Tones.share(Tones.loudest(heard, 60), 600);
          assertTrue(share > 0.8, "600 Hz from baresip at the client: " + share);
          lena.request("{\"type\":\"dtmf\",\"callId\":\"" + callId + "\",\"digits\":\"5\"}");
          Tones.collect(audio, 100);
        });
        lena.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        lena.await("ended");
      }
      String log = phone.awaitLog("received event", Duration.ofSeconds(10));
      assertTrue(log.contains("received event: '5'"), "baresip got DTMF 5: " + phone.dir);
      // baresip completes the recording when it has processed the BYE
      short[] heardByPhone = Tones.awaitRecording(phone, 8000, Duration.ofSeconds(10));
      assertTrue(heardByPhone.length >= 8000, "baresip recorded the call: " + phone.dir);
      double share = Tones.share(Tones.loudest(Tones.upsample6(heardByPhone), 60), 1000);
      assertTrue(share > 0.5, "1 kHz from the client at baresip: " + share);
    }
  }
}
