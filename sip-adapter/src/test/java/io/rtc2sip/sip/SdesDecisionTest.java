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
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SRTP decision for every policy, clear or TLS signaling, and kind of peer SDP. */
class SdesDecisionTest {
  private static final SdesKey KEY = SdesKey.random(new SecureRandom());
  private static final Sdp.Crypto C80 =
      new Sdp.Crypto(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY);
  private static final Sdp.Crypto C32 =
      new Sdp.Crypto(2, SrtpSuite.AES_CM_128_HMAC_SHA1_32, KEY);

  private static Sdp.Remote sdp(boolean savp, Sdp.Crypto... crypto) {
    return new Sdp.Remote(new InetSocketAddress("127.0.0.1", 40000), NegotiatedMedia.pcma(),
        SdpDirection.SENDRECV, savp, List.of(crypto));
  }

  private static final Sdp.Remote PLAIN = sdp(false);
  private static final Sdp.Remote AVP_CRYPTO = sdp(false, C32, C80);
  private static final Sdp.Remote SAVP_CRYPTO = sdp(true, C80);
  private static final Sdp.Remote SAVP_NO_CRYPTO = sdp(true);

  private static final String SRTP_80 = "SRTP AES_CM_128_HMAC_SHA1_80";
  private static final String SRTP_32 = "SRTP AES_CM_128_HMAC_SHA1_32";

  /** Expected: "plain RTP", "SRTP <suite>" (and the profile), or "488". */
  private record Row(SrtpPolicy policy, boolean tls, Sdp.Remote offer, String outcome,
      boolean savp) {}

  @Test
  void offersWeReceive() {
    List<Row> rows = List.of(
        new Row(SrtpPolicy.OFF, true, PLAIN, "plain RTP", false),
        new Row(SrtpPolicy.OFF, true, AVP_CRYPTO, "plain RTP", false),
        new Row(SrtpPolicy.OFF, true, SAVP_CRYPTO, "488", false),
        new Row(SrtpPolicy.OFF, false, SAVP_CRYPTO, "488", false),
        new Row(SrtpPolicy.OPTIONAL, true, PLAIN, "plain RTP", false),
        // the peer's first usable line is its choice
        new Row(SrtpPolicy.OPTIONAL, true, AVP_CRYPTO, SRTP_32, false),
        new Row(SrtpPolicy.OPTIONAL, true, SAVP_CRYPTO, SRTP_80, true),
        new Row(SrtpPolicy.OPTIONAL, true, SAVP_NO_CRYPTO, "488", false),
        // clear signaling: crypto in an offer is ignored, SAVP refused
        new Row(SrtpPolicy.OPTIONAL, false, PLAIN, "plain RTP", false),
        new Row(SrtpPolicy.OPTIONAL, false, AVP_CRYPTO, "plain RTP", false),
        new Row(SrtpPolicy.OPTIONAL, false, SAVP_CRYPTO, "488", false),
        new Row(SrtpPolicy.REQUIRED, true, PLAIN, "488", false),
        new Row(SrtpPolicy.REQUIRED, true, AVP_CRYPTO, SRTP_32, false),
        new Row(SrtpPolicy.REQUIRED, true, SAVP_CRYPTO, SRTP_80, true),
        new Row(SrtpPolicy.REQUIRED, true, SAVP_NO_CRYPTO, "488", false),
        new Row(SrtpPolicy.REQUIRED, false, PLAIN, "488", false),
        new Row(SrtpPolicy.REQUIRED, false, AVP_CRYPTO, "488", false),
        new Row(SrtpPolicy.REQUIRED, false, SAVP_CRYPTO, "488", false));
    for (Row row : rows) {
      SdesDecision.Outcome o = new SdesDecision(row.policy(), row.tls()).offerReceived(row.offer());
      String got = o.isRefused() ? "488" : o.describe();
      assertEquals(row.outcome(), got, row.toString());
      assertEquals(row.savp(), o.savp(), row.toString());
      if (o.isRefused()) {
        assertFalse(o.refusal().isBlank());
      }
    }
  }

  @Test
  void aRequiredPolicyOverClearSignalingSaysWhy() {
    assertEquals("SRTP required but the signaling is not TLS",
        new SdesDecision(SrtpPolicy.REQUIRED, false).offerReceived(SAVP_CRYPTO).refusal());
  }

  @Test
  void howWeOffer() {
    assertEquals(SdesDecision.Offer.PLAIN, new SdesDecision(SrtpPolicy.OFF, true).offer());
    assertEquals(SdesDecision.Offer.PLAIN, new SdesDecision(SrtpPolicy.OFF, false).offer());
    assertEquals(SdesDecision.Offer.BEST_EFFORT,
        new SdesDecision(SrtpPolicy.OPTIONAL, true).offer());
    assertEquals(SdesDecision.Offer.PLAIN, new SdesDecision(SrtpPolicy.OPTIONAL, false).offer());
    assertEquals(SdesDecision.Offer.SAVP, new SdesDecision(SrtpPolicy.REQUIRED, true).offer());
    assertEquals(SdesDecision.Offer.REFUSED,
        new SdesDecision(SrtpPolicy.REQUIRED, false).offer());
  }

  @Test
  void answersToOurOffer() {
    // a crypto line must repeat one of ours: tag 1 is the 80-bit suite, tag 2 the 32-bit one
    Sdp.Remote answer80 = sdp(false, C80);
    Sdp.Remote answer32 = sdp(false, C32);
    Sdp.Remote wrongTag = sdp(false, new Sdp.Crypto(2, SrtpSuite.AES_CM_128_HMAC_SHA1_80, KEY));
    assertEquals(SRTP_80, SdesDecision.answerReceived(SrtpPolicy.OPTIONAL, answer80,
        SdesDecision.Offer.BEST_EFFORT).describe());
    assertEquals(SRTP_32, SdesDecision.answerReceived(SrtpPolicy.OPTIONAL, answer32,
        SdesDecision.Offer.BEST_EFFORT).describe());
    assertEquals("plain RTP", SdesDecision.answerReceived(SrtpPolicy.OPTIONAL, wrongTag,
        SdesDecision.Offer.BEST_EFFORT).describe());
    assertEquals("plain RTP", SdesDecision.answerReceived(SrtpPolicy.OPTIONAL, PLAIN,
        SdesDecision.Offer.BEST_EFFORT).describe(), "best effort: a plain answer is taken");
    assertEquals("plain RTP", SdesDecision.answerReceived(SrtpPolicy.OPTIONAL, answer80,
        SdesDecision.Offer.PLAIN).describe(), "crypto we did not offer is not taken");
    assertTrue(SdesDecision.answerReceived(SrtpPolicy.REQUIRED, PLAIN,
        SdesDecision.Offer.SAVP).isRefused());
    assertTrue(SdesDecision.answerReceived(SrtpPolicy.REQUIRED, answer80,
        SdesDecision.Offer.PLAIN).isRefused(), "required never lets a plain call through");
    assertTrue(SdesDecision.answerReceived(SrtpPolicy.REQUIRED, wrongTag,
        SdesDecision.Offer.SAVP).isRefused());
    SdesDecision.Outcome savp = SdesDecision.answerReceived(SrtpPolicy.REQUIRED,
        sdp(true, C80), SdesDecision.Offer.SAVP);
    assertEquals(SRTP_80, savp.describe());
    assertTrue(savp.savp());
  }

  @Test
  void reoffersFollowTheCallsMediaAndTheProfileNegotiated() {
    SdesDecision tls = new SdesDecision(SrtpPolicy.OPTIONAL, true);
    SdesDecision clear = new SdesDecision(SrtpPolicy.OPTIONAL, false);
    assertEquals(SdesDecision.Offer.PLAIN, tls.reoffer(false, java.util.Optional.empty()),
        "a plain call stays plain");
    assertEquals(SdesDecision.Offer.BEST_EFFORT, tls.reoffer(true, java.util.Optional.of(false)),
        "RTP/AVP with crypto, as negotiated");
    assertEquals(SdesDecision.Offer.SAVP, tls.reoffer(true, java.util.Optional.of(true)));
    assertEquals(SdesDecision.Offer.SAVP, tls.reoffer(true, java.util.Optional.empty()),
        "after a failover: RTP/SAVP with the new node's key");
    assertEquals(SdesDecision.Offer.REFUSED, clear.reoffer(true, java.util.Optional.of(true)),
        "no key over clear signaling");
    assertEquals(SdesDecision.Offer.PLAIN, clear.reoffer(false, java.util.Optional.empty()));
  }

  private static javax.sip.address.URI uri(String text) throws Exception {
    javax.sip.SipFactory factory = javax.sip.SipFactory.getInstance();
    factory.setPathName("gov.nist");
    return factory.createAddressFactory().createAddress(text).getURI();
  }

  private static boolean tls(String nextHop) throws Exception {
    return SdesDecision.forNextHop(SrtpPolicy.REQUIRED, uri(nextHop)).secure();
  }

  @Test
  void tlsIsReadFromTheNextHopsUri() throws Exception {
    assertTrue(tls("sips:bob@pbx.example.com"));
    assertTrue(tls("sip:bob@pbx.example.com;transport=tls"));
    assertTrue(tls("<sip:proxy.example.com;lr;transport=TLS>"));
    assertTrue(tls("\"Proxy\" <SIPS:proxy.example.com;lr>"));
    assertFalse(tls("sip:bob@pbx.example.com"));
    assertFalse(tls("sip:bob@pbx.example.com;transport=tcp"));
    assertFalse(tls("<sip:bob@pbx.example.com;transport=udp?x=transport%3Dtls>"));
    assertFalse(tls("sip:sips.example.com"));
  }

  @Test
  void thePolicySettingIsReadCaseInsensitively() {
    assertEquals(SrtpPolicy.REQUIRED, SrtpPolicy.of(" Required "));
    assertEquals(SrtpPolicy.OFF, SrtpPolicy.of("off"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SrtpPolicy.of("mandatory"));
  }
}
