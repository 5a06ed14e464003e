package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.LoopbackCapture;
import io.rtc2sip.tests.support.TestNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audio through the whole chain: SIP RTP (real sipp) ↔ jitter buffer, G.711, resampler ↔ the
 * loopback RTC network ↔ a client. Tones are measured at the far end by frequency.
 */
class AudioTest {
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

  private static InetSocketAddress rtc() {
    return new InetSocketAddress("127.0.0.1", node.rtcPort);
  }

  @Test
  void aToneAndDigitsFromSipReachTheClient() throws Exception {
    try (SignalingCallsTest.Phone alice = phone("alice");
        Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, "alice", 6000)) {
      JsonNode incoming = alice.await("incoming-call");
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(rtc(),
          incoming.get("channel").asText(), "alice")) {
        alice.request("{\"type\":\"answer\",\"callId\":\"" + incoming.get("callId").asText()
            + "\"}");
        // the pcap: 2 s of 800 Hz, digits 1234, 2 s of 800 Hz
        short[] heard = Tones.collect(audio, 150);
        double share = Tones.share(Tones.loudest(heard, 60), 800);
        assertTrue(share > 0.8, "800 Hz share of what the client heard: " + share);
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < 4; i++) {
          digits.append(alice.await("dtmf").get("digit").asText());
        }
        assertEquals("1234", digits.toString());
        alice.await("ended");
      }
      assertEquals(0, sipp.await(40), sipp.where());
    }
  }

  @Test
  void aToneFromTheClientGoesToSipAndComesBack() throws Exception {
    // sipp's built-in UAS with -rtp_echo sends every RTP packet back: the client's tone crosses
    // the chain four times (resample, encode, decode, resample) and comes back whole
    try (SignalingCallsTest.Phone bob = phone("bob");
        Sipp echo = Sipp.builtinUas("uas", "-rtp_echo")) {
      JsonNode placed = bob.request("{\"type\":\"call\",\"to\":\"sip:echo@127.0.0.1:"
          + echo.port + "\"}");
      String callId = placed.get("callId").asText();
      bob.await("answered");
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(rtc(),
          placed.get("channel").asText(), "bob")) {
        Tones.sayWhileHearing(audio, 1000, heard -> {
          double share = Tones.share(Tones.loudest(heard, 60), 1000);
          assertTrue(share > 0.8, "1 kHz share of the echo through SIP: " + share);
        });
      }
      bob.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      bob.await("ended");
    }
  }

  @Test
  void anInviteWithReplacesTakesTheCallAndItsAudioOver() throws Exception {
    // judy answers a sipp caller; a second sipp (carol) then sends an INVITE with Replaces naming
    // that dialog, as a transfer target does after an attended transfer by the caller
    try (SignalingCallsTest.Phone judy = phone("judy");
        Sipp caller = Sipp.uac("uac_call_wait_bye", node.sipPort, "judy", 1000)) {
      JsonNode incoming = judy.await("incoming-call", caller);
      String callId = incoming.get("callId").asText();
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(rtc(),
          incoming.get("channel").asText(), "judy")) {
        judy.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}");
        String replaces = replacesOf(caller);
        // the caller's recording (5.5 s of 800 Hz and digits) is over first, so that what the
        // client hears after the take-over can only be carol's
        long quietBy = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Tones.rms(Tones.collect(audio, 20)) > 200) {
          assertTrue(System.nanoTime() < quietBy, "the caller's tone never ended");
        }
        try (LoopbackCapture wire = LoopbackCapture.start(dir.resolve("replaces.pcap"), "udp");
            Sipp carol = Sipp.uac("uac_replaces", node.sipPort, "judy", 4000, "-key",
            "replaces", replaces)) {
          JsonNode transferred = judy.await("transferred", carol);
          assertEquals(callId, transferred.get("callId").asText());
          assertTrue(transferred.get("to").asText().startsWith("sip:carol@127.0.0.1:"),
              transferred.toString());
          // the client hears carol's 400 Hz (the caller sent 800 Hz) while it says 1 kHz
          Tones.sayWhileHearing(audio, 1000, heard -> {
            double share = Tones.share(Tones.loudest(heard, 60), 400);
            assertTrue(share > 0.8, "400 Hz share of what the client hears from carol: "
                + share);
          });
          // and carol got the client's 1 kHz: our RTP goes to the address of her SDP now
          Matcher offer = Pattern.compile("m=audio (\\d+) RTP/AVP 8 101")
              .matcher(carol.messages());
          assertTrue(offer.find(), carol.where());
          int carolRtp = Integer.parseInt(offer.group(1));
          wire.await("the client's 1 kHz at carol", Duration.ofSeconds(10),
              d -> Tones.share(Tones.loudest(Tones.upsample6(
                  LoopbackCapture.g711Audio(to(d, carolRtp), 8)), 60), 1000) > 0.8);
          assertEquals(0, caller.await(30), "the old party got our BYE: " + caller.where());
          assertEquals("remote-hangup", judy.await("ended", carol).get("cause").asText());
          assertEquals(0, carol.await(30), carol.where());
        }
      }
    }
  }

  private static List<LoopbackCapture.Datagram> to(List<LoopbackCapture.Datagram> all, int port) {
    return all.stream().filter(d -> d.destinationPort() == port).toList();
  }

  /**
   * The Replaces naming a sipp caller's dialog as the gateway sees it, read from the caller's
   * message log once our 200 is there: its Call-ID, our tag (the 200's To-tag) as to-tag, the
   * caller's as from-tag.
   */
  private static String replacesOf(Sipp caller) {
    java.util.regex.Pattern ok = java.util.regex.Pattern.compile(
        "SIP/2.0 200 OK[\\s\\S]*?(?=\\n\\s*\\n)");
    String[] found = new String[1];
    io.rtc2sip.testkit.Until.until(java.time.Duration.ofSeconds(10),
        io.rtc2sip.testkit.Until.checking(() -> {
          java.util.regex.Matcher m = ok.matcher(caller.messages());
          if (!m.find()) {
            return false;
          }
          String response = m.group();
          found[0] = header(response, "Call-ID") + ";to-tag=" + tag(header(response, "To"))
              + ";from-tag=" + tag(header(response, "From"));
          return true;
        }), () -> "our 200 at the caller: " + caller.where());
    return found[0];
  }

  private static String header(String message, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + ":\\s*(.*)$")
        .matcher(message);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in " + message);
    }
    return m.group(1).trim();
  }

  private static String tag(String header) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(";tag=([^;\\s>]+)")
        .matcher(header);
    if (!m.find()) {
      throw new AssertionError("no tag in " + header);
    }
    return m.group(1);
  }

  @Test
  void holdSilencesTheSipSideAndUnholdBringsItBack() throws Exception {
    // sipp's uas_answer plays 400 Hz and answers re-INVITEs with the mirrored direction
    try (SignalingCallsTest.Phone carol = phone("carol"); Sipp uas = Sipp.uas("uas_answer", 60000)) {
      JsonNode placed = carol.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:"
          + uas.port + "\"}");
      String callId = placed.get("callId").asText();
      carol.await("answered");
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(rtc(),
          placed.get("channel").asText(), "carol")) {
        double before = Tones.share(Tones.loudest(Tones.collect(audio, 100), 40), 400);
        assertTrue(before > 0.8, "400 Hz from the SIP side: " + before);

        carol.request("{\"type\":\"hold\",\"callId\":\"" + callId + "\"}");
        carol.await("held");
        Tones.collect(audio, 30); // what was under way
        double held = Tones.rms(Tones.collect(audio, 60));
        assertTrue(held < 50, "silence while held, rms " + held);

        carol.request("{\"type\":\"unhold\",\"callId\":\"" + callId + "\"}");
        carol.await("resumed");
        Tones.collect(audio, 30);
        double back = Tones.share(Tones.loudest(Tones.collect(audio, 100), 40), 400);
        assertTrue(back > 0.8, "400 Hz again after unhold: " + back);
      }
      carol.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      carol.await("ended");
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  @Test
  void theEarlyMediaOfAReliable183IsHeardBeforeTheAnswer() throws Exception {
    // sipp answers with a reliable 183 with SDP (which the gateway PRACKs) and streams 800 Hz at
    // once; 2 s later 200 OK, and 400 Hz from then on: 800 Hz can only be heard before the answer
    try (SignalingCallsTest.Phone dave = phone("dave");
        Sipp uas = Sipp.uas("uas_100rel_early_media", 0)) {
      JsonNode placed = dave.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:"
          + uas.port + "\"}");
      String callId = placed.get("callId").asText();
      JsonNode ringing = dave.await("ringing", uas);
      assertTrue(ringing.get("earlyMedia").asBoolean(), ringing.toString());
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(rtc(),
          placed.get("channel").asText(), "dave")) {
        double early = Tones.share(Tones.loudest(Tones.collect(audio, 60), 40), 800);
        assertTrue(early > 0.8, "800 Hz of the 183's early media: " + early);
        dave.await("answered", uas);
        // the early audio still queued at the client comes first: read on until 400 Hz (5 s)
        double after = 0;
        for (int chunk = 0; chunk < 10 && after <= 0.8; chunk++) {
          after = Tones.share(Tones.loudest(Tones.collect(audio, 50), 30), 400);
        }
        assertTrue(after > 0.8, "400 Hz after the answer: " + after);
      }
      dave.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      dave.await("ended");
      assertEquals(0, uas.await(30), uas.where());
      uas.awaitAction("rack 4711 1 INVITE");
    }
  }

  @Test
  void theClientCliPlaysAWavIntoACallAndRecordsWhatItHears() throws Exception {
    // a 1 kHz WAV at 8 kHz goes out through the CLI, through SIP to sipp's RTP echo and back
    java.nio.file.Path wav = dir.resolve("tone-1k.wav");
    java.nio.file.Path recorded = dir.resolve("heard.wav");
    Tones.writeWav8k(wav, 1000, 4);
    try (Sipp echo = Sipp.builtinUas("uas", "-rtp_echo")) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int status = io.rtc2sip.client.ClientMain.run(new String[] {
          "--uid", "kim", "--port", String.valueOf(node.signalingPort),
          "--rtc", "127.0.0.1:" + node.rtcPort, "--play", wav.toString(),
          "--record", recorded.toString(),
          "call sip:echo@127.0.0.1:" + echo.port + "; wait answered 20; sleep 3000; hangup;"
              + " wait ended 10; quit"},
          java.io.InputStream.nullInputStream(),
          new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(0, status, out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(48000f, javax.sound.sampled.AudioSystem.getAudioFileFormat(recorded.toFile())
        .getFormat().getSampleRate());
    short[] heard = Tones.readWav(recorded);
    assertTrue(heard.length > 48000, "recorded " + heard.length + " samples");
    double share = Tones.share(Tones.loudest(heard, 100), 1000);
    assertTrue(share > 0.8, "1 kHz share of the recording: " + share);

  }

  private static SignalingCallsTest.Phone phone(String uid) throws Exception {
    return new SignalingCallsTest.Phone(uid, node.signalingPort);
  }

}
