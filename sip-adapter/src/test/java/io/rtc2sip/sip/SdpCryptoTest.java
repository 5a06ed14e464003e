package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.port.SrtpSuite;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SDES crypto lines (RFC 4568) in the SDP we write and in what we read from peers. */
class SdpCryptoTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 20000);
  private static final Sdp.Origin ORIGIN = new Sdp.Origin(7, 1);
  private final SdesKey ours = SdesKey.random(new SecureRandom());

  /** 30 bytes 0..29 in base64: a key we can recognise. */
  private static final String KEY = Base64.getEncoder().encodeToString(bytes(30));

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static String peer(String profile, String... crypto) {
    StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
        + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 " + profile + " 0 101\r\n"
        + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
    for (String c : crypto) {
      sdp.append("a=crypto:").append(c).append("\r\n");
    }
    return sdp.toString();
  }

  @Test
  void ourOfferCarriesBothSuitesWithOurKeyTheEightyBitOneFirst() throws Exception {
    String offer = Sdp.offer(LOCAL, ORIGIN, SdpDirection.SENDRECV, true,
        Sdp.offeredCrypto(ours));
    assertTrue(offer.contains("m=audio 20000 RTP/SAVP 8 0 101\r\n"), offer);
    int at80 = offer.indexOf("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + ours.base64()
        + "\r\n");
    int at32 = offer.indexOf("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + ours.base64()
        + "\r\n");
    assertTrue(at80 > 0 && at32 > at80, offer);
    // best effort: the same lines in RTP/AVP
    String bestEffort = Sdp.offer(LOCAL, ORIGIN, SdpDirection.SENDRECV, false,
        Sdp.offeredCrypto(ours));
    assertTrue(bestEffort.contains("m=audio 20000 RTP/AVP 8 0 101\r\n"), bestEffort);
    assertTrue(bestEffort.contains("a=crypto:1 "), bestEffort);
    // what we write, we read back as a peer would
    Sdp.Remote read = Sdp.read(offer).orElseThrow();
    assertTrue(read.savp());
    assertEquals(List.of(SrtpSuite.AES_CM_128_HMAC_SHA1_80, SrtpSuite.AES_CM_128_HMAC_SHA1_32),
        read.crypto().stream().map(Sdp.Crypto::suite).toList());
    assertEquals(ours, read.crypto().get(0).key());
    String plain = Sdp.offer(LOCAL, ORIGIN, SdpDirection.SENDRECV);
    assertFalse(plain.contains("crypto"), plain);
    assertTrue(plain.contains(" RTP/AVP "), plain);
  }

  @Test
  void ourAnswerRepeatsThePeersTagAndSuiteWithOurOwnKey() throws Exception {
    Sdp.Remote offer = Sdp.read(peer("RTP/SAVP", "7 AES_CM_128_HMAC_SHA1_32 inline:" + KEY))
        .orElseThrow();
    Sdp.Crypto chosen = offer.crypto().get(0);
    String answer = Sdp.answer(LOCAL, ORIGIN, NegotiatedMedia.pcmu().withSrtp(true),
        SdpDirection.SENDRECV, true, Sdp.answeredCrypto(chosen, ours));
    assertTrue(answer.contains("m=audio 20000 RTP/SAVP 0 101\r\n"), answer);
    assertTrue(answer.contains("a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" + ours.base64()
        + "\r\n"), answer);
    assertFalse(answer.contains(KEY), "never the peer's key");
    assertEquals(1, answer.split("a=crypto", -1).length - 1, answer);
  }

  @Test
  void usableLinesAreReadInThePeersOrderAndTheRestSkipped() throws Exception {
    String shortKey = Base64.getEncoder().encodeToString(bytes(29));
    String longKey = Base64.getEncoder().encodeToString(bytes(31));
    Sdp.Remote r = Sdp.read(peer("RTP/AVP",
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31|1:1", // an MKI: skipped
        "2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|1:4", // an MKI alone: skipped
        "3 AES_256_CM_HMAC_SHA1_80 inline:" + KEY, // a suite we do not speak
        "4 AEAD_AES_128_GCM inline:" + KEY,
        "5 AES_CM_128_HMAC_SHA1_80 inline:" + shortKey, // 29 bytes
        "6 AES_CM_128_HMAC_SHA1_80 inline:" + longKey, // 31 bytes
        "7 AES_CM_128_HMAC_SHA1_80 inline:" + KEY.substring(0, 39) + "!", // not base64
        "8 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + " UNENCRYPTED_SRTP", // session parameter
        "9 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + ";inline:" + KEY, // two keys
        "10 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^x", // a lifetime that is none
        "11 AES_CM_128_HMAC_SHA1_32 inline:" + KEY + "|2^31", // a lifetime: taken
        "12 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|1048576",
        "13 AES_CM_128_HMAC_SHA1_80 inline:" + KEY)).orElseThrow();
    assertFalse(r.savp());
    assertEquals(List.of(11, 12, 13), r.crypto().stream().map(Sdp.Crypto::tag).toList());
    assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_32, r.crypto().get(0).suite());
    assertEquals(SdesKey.of(bytes(30)), r.crypto().get(0).key());
    assertFalse(r.media().srtp(), "the decision, not the reading, turns SRTP on");
  }

  @Test
  void anOfferWithOnlyUnusableLinesHasNoCrypto() throws Exception {
    Sdp.Remote r = Sdp.read(peer("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:short"))
        .orElseThrow();
    assertTrue(r.savp());
    assertTrue(r.crypto().isEmpty());
    assertTrue(new SdesDecision(SrtpPolicy.OPTIONAL, true).offerReceived(r).isRefused(),
        "SAVP without a usable line: 488");
  }

  @Test
  void cryptoNeverShowsItsKeyInText() throws Exception {
    Sdp.Remote r = Sdp.read(peer("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY))
        .orElseThrow();
    assertFalse(r.toString().contains(KEY), r.toString());
    assertFalse(r.crypto().get(0).toString().contains(KEY));
    assertEquals("SdesKey[redacted]", ours.toString());
  }
}
