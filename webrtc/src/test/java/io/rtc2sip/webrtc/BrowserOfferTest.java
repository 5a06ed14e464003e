package io.rtc2sip.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.webrtc.BrowserOffer.BadOffer;
import io.rtc2sip.webrtc.WebRtcSettings.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offers from Chromium (src/test/resources/sdp) and broken ones; answers to them. */
class BrowserOfferTest {
  private static final List<Codec> OPUS_FIRST = List.of(Codec.OPUS, Codec.PCMU, Codec.PCMA);

  private static String sdp(String name) throws IOException {
    try (InputStream in = BrowserOfferTest.class.getResourceAsStream("/sdp/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String audioOffer() throws IOException {
    return sdp("chromium-156-audio.sdp");
  }

  private static String refusal(String sdp) {
    return assertThrows(BadOffer.class, () -> BrowserOffer.parse(sdp, OPUS_FIRST)).getMessage();
  }

  @Test
  void readsWhatTheAnswerNeedsFromChromiumsOffer() throws IOException {
    BrowserOffer o = BrowserOffer.parse(audioOffer(), OPUS_FIRST);
    assertEquals("0", o.mid());
    assertEquals(0, o.mediaIndex());
    assertEquals("opHH", o.iceUfrag());
    assertEquals("5LA4q0+wnByvQR+gPaqiA4nB", o.icePwd());
    assertEquals("sha-256", o.fingerprintHash());
    assertTrue(o.fingerprint().startsWith("21:BB:4E:8C"), o.fingerprint());
    assertEquals(Codec.OPUS, o.codec());
    assertEquals(111, o.payloadType());
    assertEquals("sendrecv", o.direction());
  }

  @Test
  void takesTheFirstCodecOfThePreferenceTheOfferHas() throws IOException {
    BrowserOffer pcma = BrowserOffer.parse(audioOffer(), List.of(Codec.PCMA, Codec.OPUS));
    assertEquals(Codec.PCMA, pcma.codec());
    assertEquals(8, pcma.payloadType());
    String opusOnly = audioOffer().replace("111 63 9 0 8 13 110 126", "111");
    assertEquals(Codec.OPUS, BrowserOffer.parse(opusOnly, List.of(Codec.PCMU, Codec.OPUS)).codec());
  }

  @Test
  void refusesWhatItCannotAnswerAndSaysWhy() throws IOException {
    String ok = audioOffer();
    assertEquals("the SDP offer is empty", refusal(" "));
    assertEquals("not an SDP offer: it does not start with v=0", refusal("hello"));
    assertTrue(refusal("v=0\r\ngarbage\r\n").startsWith("not an SDP offer: line 'garbage'"));
    assertEquals("the offer has no audio (no m=audio line with a port)",
        refusal(ok.replace("m=audio 9", "m=video 9")));
    assertEquals("the offer has no audio (no m=audio line with a port)",
        refusal(ok.replace("m=audio 9", "m=audio 0")));
    assertEquals("the offer has no DTLS fingerprint (a=fingerprint)",
        refusal(ok.replaceAll("a=fingerprint:[^\r\n]*\r\n", "")));
    assertTrue(refusal(ok.replaceAll("a=fingerprint:sha-256 ", "a=fingerprint:md5 "))
        .contains("malformed or uses an unknown hash"));
    assertEquals("the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)",
        refusal(ok.replaceAll("a=ice-pwd:[^\r\n]*\r\n", "")));
    assertTrue(refusal(ok.replace("a=ice-pwd:5LA4q0+wnByvQR+gPaqiA4nB", "a=ice-pwd:short"))
        .contains("ICE credentials are malformed"));
    assertTrue(refusal(ok.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"))
        .contains("needs DTLS-SRTP"));
    assertTrue(refusal(ok.replace("a=setup:actpass", "a=setup:passive"))
        .contains("only takes the server role"));
    assertEquals("the offer does not multiplex RTCP with RTP (a=rtcp-mux is required)",
        refusal(ok.replace("a=rtcp-mux\r\n", "")));
    String g722Only = ok.replace("111 63 9 0 8 13 110 126", "9");
    assertEquals("no common codec: the offer has g722/8000; the gateway takes opus/48000,"
        + " PCMU/8000, PCMA/8000", refusal(g722Only));
    assertTrue(refusal(ok.replace("111 63 9", "111 x 9")).contains("is not a number"));
    assertTrue(refusal("v=0\r\n" + "a".repeat(BrowserOffer.MAX_LENGTH)).contains("longer than"));
    // what the answer echoes must be what SDP allows there
    assertTrue(refusal(ok.replace("a=mid:0", "a=mid:0 1")).contains("is not a token"));
    assertTrue(refusal(ok.replace("a=mid:0", "a=mid:" + "m".repeat(65))).contains("is not a token"));
    assertTrue(refusal(ok.replace("m=audio 9", "m=au\"dio 9")).startsWith("malformed m-line"));
    assertTrue(refusal(ok.replace("UDP/TLS/RTP/SAVPF", "UDP/TLS//SAVPF"))
        .startsWith("malformed m-line"));
  }

  @Test
  void theAnswerRefusesVideoAndDataButKeepsTheirMids() throws IOException {
    BrowserOffer o = BrowserOffer.parse(sdp("chromium-156-audio-video-data.sdp"), OPUS_FIRST);
    String answer = BrowserAnswer.of(o, 42, List.of("127.0.0.1"), 40000, "ufra", "p".repeat(24),
        "AB:CD", 1234, "cname");
    assertTrue(answer.contains("a=group:BUNDLE 0\r\n"), answer);
    assertTrue(answer.contains("m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\n"), answer);
    assertTrue(answer.contains("m=video 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n"),
        answer);
    assertTrue(answer.contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"), answer);
    assertTrue(answer.contains("a=mid:2\r\n"), answer);
  }

  @Test
  void theAnswerIsAnIceLiteDtlsServerWithOurCandidates() throws IOException {
    BrowserOffer o = BrowserOffer.parse(audioOffer(), OPUS_FIRST);
    String answer = BrowserAnswer.of(o, 42, List.of("10.0.0.5", "203.0.113.7"), 40002, "ufra",
        "p".repeat(24), "AB:CD", -5, "cname");
    for (String line : List.of("a=ice-lite", "a=setup:passive", "a=rtcp-mux",
        "a=ice-ufrag:ufra", "a=fingerprint:sha-256 AB:CD", "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;useinbandfec=1;stereo=0;sprop-stereo=0;maxplaybackrate=8000;"
            + "sprop-maxcapturerate=8000",
        "a=ssrc:4294967291 cname:cname", "c=IN IP4 10.0.0.5",
        "a=candidate:1 1 udp 2130706431 10.0.0.5 40002 typ host",
        "a=candidate:2 1 udp 2130706430 203.0.113.7 40002 typ host", "a=end-of-candidates",
        "a=sendrecv")) {
      assertTrue(answer.contains(line + "\r\n"), line + " in\n" + answer);
    }
    String recvonly = audioOffer().replace("a=sendrecv", "a=recvonly");
    assertTrue(BrowserAnswer.of(BrowserOffer.parse(recvonly, OPUS_FIRST), 1, List.of("h"), 1,
        "u", "p", "f", 1, "c").contains("a=sendonly\r\n"));
  }
}
