package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Kamailio;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.sip.TestCertificates;
import io.rtc2sip.tests.support.Baresip;
import io.rtc2sip.tests.support.LoopbackCapture;
import io.rtc2sip.tests.support.TestNode;
import io.rtc2sip.testkit.Until;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real phone (baresip) registered over TLS at a real Kamailio (TLS module) calls a user of
 * the gateway, which is registered at the same Kamailio over TLS, with SRTP required on both
 * phones' sides: the call is answered, the phone's 600 Hz reaches the user's RTC client and the
 * client's 1 kHz reaches the phone, and a capture of loopback shows no SIP in clear on the TLS
 * ports and no G.711 audio in clear in the RTP between gateway and phone.
 */
class TlsSrtpPhoneTest {
  @TempDir Path dir;

  @Test
  void aPhoneCallsAUserOverTlsWithSrtpAndNothingCrossesInClear() throws Exception {
    TestCertificates kamailioPair = TestCertificates.make(dir, "kamailio",
        "IP:127.0.0.1,DNS:localhost");
    TestCertificates phonePair = TestCertificates.make(dir, "phone", "IP:127.0.0.1");
    Path phonePem = dir.resolve("phone.pem");
    Files.writeString(phonePem, Files.readString(phonePair.certificate())
        + Files.readString(phonePair.key()));
    Path tone = dir.resolve("tone-600.wav");
    Tones.writeWav8k(tone, 600, 20);
    int gatewayTls = Sipp.freeUdpPort();
    try (Kamailio kamailio = Kamailio.startTls(kamailioPair.certificate(), kamailioPair.key());
        TestNode node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of(
            "rtc2sip.sip.tls.enabled", "on",
            "rtc2sip.sip.tls.port", gatewayTls,
            "rtc2sip.sip.tls.trust", kamailioPair.certificate().toString(),
            "rtc2sip.sip.srtp.policy", "required",
            "rtc2sip.sip.registrar", "sip:127.0.0.1:" + kamailio.tlsPort + ";transport=tls",
            "rtc2sip.sip.accounts.lena.username", "lena",
            "rtc2sip.sip.accounts.lena.password", "password"));
        LoopbackCapture capture = LoopbackCapture.startAny(dir.resolve("call.pcap"),
            "tcp port " + kamailio.tlsPort + " or tcp port " + gatewayTls + " or udp portrange "
                + node.rtpMin + "-" + (node.rtpMin + 39));
        Baresip phone = Baresip.startTlsSrtp(Path.of("target", "baresip-tls").toAbsolutePath(),
            tone, "alice", "alice123", kamailio.tlsPort, phonePem);
        SignalingCallsTest.Phone lena = new SignalingCallsTest.Phone("lena",
            node.signalingPort)) {
      assertEquals("result", lena.request("{\"type\":\"register\",\"sip\":true}")
          .get("type").asText());
      // another process's log: both registrations reached Kamailio over TLS
      Until.until(Duration.ofSeconds(20), () -> registered(kamailio, "lena")
          && registered(kamailio, "alice"), () -> "lena and alice registered: " + log(kamailio));

      phone.command("/dial sip:lena@127.0.0.1:" + kamailio.tlsPort);
      JsonNode incoming = lena.await("incoming-call");
      String callId = incoming.get("callId").asText();
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(
          new InetSocketAddress("127.0.0.1", node.rtcPort), incoming.get("channel").asText(),
          "lena")) {
        lena.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}");
        lena.await("answered");
        Tones.sayWhileHearing(audio, 1000, heard -> {
          double share = Tones.share(Tones.loudest(heard, 60), 600);
          assertTrue(share > 0.8, "600 Hz from the phone at the client: " + share);
        });
        lena.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        lena.await("ended");
      }
      short[] heardByPhone = Tones.awaitRecording(phone, 8000, Duration.ofSeconds(10));
      double share = Tones.share(Tones.loudest(Tones.upsample6(heardByPhone), 60), 1000);
      assertTrue(share > 0.5, "1 kHz from the client at the phone: " + share);
      assertTrue(phone.log().contains("SRTP is Enabled"), "the phone's media was SRTP: "
          + phone.dir);

      String wire = new String(capture.bytes(), StandardCharsets.ISO_8859_1);
      assertTrue(wire.length() > 10_000, "the call was captured: " + wire.length() + " bytes");
      for (String clear : List.of("SIP/2.0", "INVITE sip:", "a=crypto", "lena@")) {
        assertTrue(!wire.contains(clear), "\"" + clear + "\" in clear on the wire");
      }
      // the RTP both ways between gateway and phone: its headers in clear, its payload not
      List<LoopbackCapture.Datagram> rtp = capture.sofar().stream()
          .filter(d -> d.payload().length > 12 && (d.payload()[0] & 0xC0) == 0x80
              && (d.payload()[1] & 0x7F) == 8)
          .toList();
      assertTrue(rtp.size() > 20, "RTP between gateway and phone captured: " + rtp.size());
      // each direction on its own, decoded as if it were G.711 in clear: no tone (either way's)
      Map<Integer, List<LoopbackCapture.Datagram>> byReceiver = rtp.stream()
          .collect(java.util.stream.Collectors.groupingBy(
              LoopbackCapture.Datagram::destinationPort));
      for (var stream : byReceiver.entrySet()) {
        short[] asIfClear = Tones.upsample6(LoopbackCapture.g711Audio(stream.getValue(), 8));
        for (int hz : new int[] {600, 1000}) {
          double clearTone = Tones.share(Tones.loudest(asIfClear, 60), hz);
          assertTrue(clearTone < 0.2, hz + " Hz in clear in the RTP to port " + stream.getKey()
              + ": " + clearTone);
        }
      }
    }
  }

  private static boolean registered(Kamailio kamailio, String user) {
    return log(kamailio).contains("REGISTER saved sip:" + user + "@");
  }

  private static String log(Kamailio kamailio) {
    try {
      return kamailio.log();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
