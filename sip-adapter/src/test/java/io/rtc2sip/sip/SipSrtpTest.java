package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SRTP policy at the adapter, over UDP: signaling in clear never carries keys, so a policy
 * that requires SRTP refuses every call over it, and an offer only in RTP/SAVP is refused when
 * SRTP is off or the signaling is clear.
 */
class SipSrtpTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final TestMediaEndpoints media = new TestMediaEndpoints();
  private SipAdapter adapter;
  private int port;
  private int tlsPort;
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @AfterEach
  void stop() {
    if (adapter != null) {
      adapter.close();
    }
  }

  private void start(SrtpPolicy policy) throws Exception {
    start(policy, SipTls.OFF);
  }

  /** With SIP over TLS on {@link #tlsPort}, presenting a self-signed certificate. */
  private void startWithTls(SrtpPolicy policy) throws Exception {
    tlsPort = Sipp.freeUdpPort();
    TestCertificates pair = TestCertificates.make(dir, "gateway", "IP:127.0.0.1");
    start(policy, new SipTls(true, tlsPort, java.util.Optional.empty(), true,
        pair.keyManagers()));
  }

  private void start(SrtpPolicy policy, SipTls tls) throws Exception {
    port = Sipp.freeUdpPort();
    SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp", "tcp"), "", "", "",
        "rtc2sip-test", "", 300, Map.of(), 1800, 0, 5).withSrtp(policy).withTls(tls);
    adapter = SipAdapter.start(KIT.system(), settings,
        new DialogSettings(Duration.ofSeconds(1), Duration.ofSeconds(60)),
        EntityMessenger.envelopes(calls.ref()), media,
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Idle", null)));
  }

  /** {@link RawSip#invite}'s INVITE with its offer in {@code profile} and {@code crypto}. */
  private static String invite(RawSip raw, String sipCallId, String profile, String crypto) {
    String plain = raw.invite("alice", sipCallId);
    String body = plain.substring(plain.indexOf("\r\n\r\n") + 4);
    String sdp = body.replace("RTP/AVP", profile) + crypto;
    return plain.substring(0, plain.indexOf("\r\n\r\n") + 4)
        .replace("Content-Length: " + body.length(), "Content-Length: " + sdp.length()) + sdp;
  }

  private static String header(String message, String name) {
    return message.lines().filter(l -> l.startsWith(name + ":")).findFirst().orElse("");
  }

  @Test
  void requiredSrtpRefusesAPlainOfferOverUdpWith488AndAWarning() throws Exception {
    start(SrtpPolicy.REQUIRED);
    try (RawSip raw = new RawSip(port)) {
      String r = raw.requestUntil(raw.invite("alice", "plain@caller"), "SIP/2.0 488");
      assertNotNull(r, "488 Not Acceptable Here");
      assertTrue(header(r, "Warning").contains("SRTP required but the signaling is not TLS"),
          r);
      calls.expectNoMessage(Duration.ofMillis(300));
    }
  }

  @Test
  void requiredSrtpRefusesEvenAnSrtpOfferWhenItsKeysCameInClear() throws Exception {
    start(SrtpPolicy.REQUIRED);
    try (RawSip raw = new RawSip(port)) {
      String r = raw.requestUntil(invite(raw, "savp@caller", "RTP/SAVP",
          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "\r\n"), "SIP/2.0 488");
      assertNotNull(r, "488: the key was readable on the way");
      calls.expectNoMessage(Duration.ofMillis(300));
    }
  }

  @Test
  void anOfferOnlyInSavpIsRefusedWhenSrtpIsOff() throws Exception {
    start(SrtpPolicy.OFF);
    try (RawSip raw = new RawSip(port)) {
      String r = raw.requestUntil(invite(raw, "off@caller", "RTP/SAVP",
          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "\r\n"), "SIP/2.0 488");
      assertNotNull(r, "488 Not Acceptable Here");
      assertTrue(header(r, "Warning").contains("SRTP is off"), r);
      calls.expectNoMessage(Duration.ofMillis(300));
    }
  }

  @Test
  void overUdpCryptoInAnAvpOfferIsIgnoredAndTheCallIsPlain() throws Exception {
    start(SrtpPolicy.OPTIONAL);
    try (RawSip raw = new RawSip(port)) {
      assertNotNull(raw.requestUntil(invite(raw, "ignored@caller", "RTP/AVP",
          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "\r\n"), "SIP/2.0 100"));
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      assertFalse(invite.offer().srtp(), "plain media");
      assertFalse(media.crypto.containsKey(e.entityId()), "the peer's key was not taken");
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
          invite.offer()));
      String ok = raw.requestUntil(null, "SIP/2.0 200");
      assertNotNull(ok, "the 200");
      assertTrue(ok.contains(" RTP/AVP "), ok);
      assertFalse(ok.contains("a=crypto"), "no key of ours in clear: " + ok);
      assertFalse(media.localKeys.containsKey(e.entityId()), "no key was even made");
    }
  }

  @Test
  void requiredSrtpFailsAnOutboundCallToATargetInClearAtOnce() throws Exception {
    start(SrtpPolicy.REQUIRED);
    String callId = CallIds.newOutbound();
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", "sip:uas@127.0.0.1:9");
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(OutboundInvites.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
          Party.sip(dialog.remoteUri())));
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipFailed failed = assertInstanceOf(CallCommand.SipFailed.class, e.message());
      assertEquals(488, failed.status());
      assertEquals("SRTP required but signaling to sip:uas@127.0.0.1:9 is not TLS",
          failed.reason());
      List<ch.qos.logback.classic.spi.ILoggingEvent> why = lines.list.stream()
          .filter(l -> l.getFormattedMessage().contains(
              "SRTP required but signaling to sip:uas@127.0.0.1:9 is not TLS")).toList();
      assertEquals(1, why.size(), lines.list.toString());
      assertEquals(callId, why.get(0).getMDCPropertyMap().get("callId"));
    } finally {
      logger.detachAppender(lines);
    }
  }

  /** Reads one SIP message from a stream connection (head, then Content-Length bytes). */
  private static String readMessage(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed after: " + head);
      }
      if (head.length() == 0 && (c == '\r' || c == '\n')) {
        continue; // keep-alive CRLFs
      }
      head.append((char) c);
    }
    int length = Integer.parseInt(header(head.toString(), "Content-Length")
        .substring("Content-Length:".length()).trim());
    return head + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** A TLS connection to the adapter's TLS port (the test's client checks nothing). */
  private java.net.Socket tlsConnection() throws Exception {
    javax.net.ssl.SSLContext any = javax.net.ssl.SSLContext.getInstance("TLS");
    any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) any.getSocketFactory()
        .createSocket("127.0.0.1", tlsPort);
    s.startHandshake();
    return s;
  }

  /**
   * A TCP connection in clear whose requests' Via claims TLS is clear signaling all the same:
   * the transport the request came on decides, not what its sender wrote.
   */
  @Test
  void aViaThatClaimsTlsOverClearTcpGetsNoSrtp() throws Exception {
    start(SrtpPolicy.OPTIONAL);
    try (java.net.Socket tcp = new java.net.Socket("127.0.0.1", port)) {
      tcp.setSoTimeout(10_000);
      String sipCallId = "spoof@caller";
      String fromTag = RawSip.fromTag(sipCallId);
      String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio 40000 RTP/SAVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
          + "a=rtpmap:101 telephone-event/8000\r\n"
          + "a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:" + KEY + "\r\n";
      String invite = "INVITE sip:alice@127.0.0.1:" + port + ";transport=tls SIP/2.0\r\n"
          + "Via: SIP/2.0/TLS 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bK" + fromTag
          + "\r\n"
          + "From: <sip:caller@127.0.0.1>;tag=" + fromTag + "\r\n"
          + "To: <sip:alice@127.0.0.1>\r\n"
          + "Call-ID: " + sipCallId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
          + "Contact: <sip:caller@127.0.0.1:" + tcp.getLocalPort() + ";transport=tls>\r\n"
          + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n"
          + sdp;
      tcp.getOutputStream().write(invite.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = "";
      while (!response.startsWith("SIP/2.0 4")) {
        response = readMessage(tcp.getInputStream());
      }
      assertTrue(response.startsWith("SIP/2.0 488"), response);
      assertTrue(header(response, "Warning").contains("TLS"), response);
      assertTrue(media.crypto.isEmpty(), "no key taken: " + media.crypto.keySet());
    }
  }

  /**
   * The wiring end to end over SIP over TLS: the peer's key reaches the media, and our 200
   * answers with its tag and suite and our key.
   */
  @Test
  void anOfferOverTlsSignalingGetsSrtpWithThePeersTagAndSuiteAndOurKey() throws Exception {
    startWithTls(SrtpPolicy.OPTIONAL);
    try (java.net.Socket tcp = tlsConnection()) {
      tcp.setSoTimeout(10_000);
      String sipCallId = "tls@caller";
      String fromTag = RawSip.fromTag(sipCallId);
      String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio 40000 RTP/SAVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
          + "a=rtpmap:101 telephone-event/8000\r\n"
          + "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:" + KEY + "|2^31|1:1\r\n"
          + "a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:" + KEY + "|2^31\r\n";
      String invite = "INVITE sip:alice@127.0.0.1:" + tlsPort + ";transport=tls SIP/2.0\r\n"
          + "Via: SIP/2.0/TLS 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bK" + fromTag
          + "\r\n"
          + "From: <sip:caller@127.0.0.1>;tag=" + fromTag + "\r\n"
          + "To: <sip:alice@127.0.0.1>\r\n"
          + "Call-ID: " + sipCallId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
          + "Contact: <sip:caller@127.0.0.1:" + tcp.getLocalPort() + ";transport=tls>\r\n"
          + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n"
          + sdp;
      tcp.getOutputStream().write(invite.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      tcp.getOutputStream().flush();
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived received =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      assertTrue(received.offer().srtp(), "SRTP media");
      io.rtc2sip.actors.port.SdesCrypto peer = media.crypto.get(e.entityId());
      assertNotNull(peer, "the peer's key went to the media");
      assertEquals(io.rtc2sip.actors.port.SrtpSuite.AES_CM_128_HMAC_SHA1_32, peer.suite());
      assertEquals(io.rtc2sip.actors.port.SdesKey.fromBase64(KEY).orElseThrow(),
          peer.remoteKey(), "the line without an MKI");
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), received.dialog(),
          received.offer()));
      String ok = "";
      while (!ok.startsWith("SIP/2.0 200")) {
        ok = readMessage(tcp.getInputStream());
      }
      String ours = media.localKeys.get(e.entityId()).base64();
      assertTrue(ok.contains("m=audio "), ok);
      assertTrue(ok.contains(" RTP/SAVP 8 101\r\n"), ok);
      assertTrue(ok.contains("a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:" + ours + "\r\n"), ok);
      assertFalse(ok.contains(KEY), "never the peer's key back");
      // the call's SIP trace (the dashboard's) has both SDPs, without either key; our 200 is
      // traced once it was sent, which may be just after the peer read it
      java.util.function.Supplier<String> traced = () -> io.rtc2sip.metrics.NodeMetrics
          .get(KIT.system()).sipTrace().of(e.entityId()).stream()
          .map(io.rtc2sip.metrics.SipTrace.Message::text).reduce("", String::concat);
      io.rtc2sip.testkit.Until.until(WAIT, () -> traced.get().contains("SIP/2.0 200"),
          () -> "our 200 in the trace: " + traced.get());
      String trace = traced.get();
      assertTrue(trace.contains("a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:[redacted]|2^31"),
          trace);
      assertFalse(trace.contains(KEY) || trace.contains(ours), trace);

      // the peer's re-INVITE (a new key, in RTP/SAVP): our answer keeps our key, the media
      // gets the peer's new one
      String toTag = header(ok, "To").replaceAll(".*;tag=", "").trim();
      String inDialog = "sip:alice@127.0.0.1:" + tlsPort + ";transport=tls SIP/2.0\r\n"
          + "From: <sip:caller@127.0.0.1>;tag=" + fromTag + "\r\n"
          + "To: <sip:alice@127.0.0.1>;tag=" + toTag + "\r\n"
          + "Call-ID: " + sipCallId + "\r\nMax-Forwards: 70\r\n"
          + "Contact: <sip:caller@127.0.0.1:" + tcp.getLocalPort() + ";transport=tls>\r\n";
      String ack = "ACK " + inDialog.replace("Max-Forwards", "CSeq: 1 ACK\r\nMax-Forwards")
          + "Via: SIP/2.0/TLS 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bKack1\r\n"
          + "Content-Length: 0\r\n\r\n";
      String newKey = java.util.Base64.getEncoder().encodeToString(new byte[30]);
      String sdp2 = sdp.replace("o=- 1 1", "o=- 1 2").replaceAll("a=crypto:.*\r\n", "")
          + "a=crypto:9 AES_CM_128_HMAC_SHA1_32 inline:" + newKey + "\r\n";
      String reinvite = "INVITE " + inDialog.replace("Max-Forwards",
              "CSeq: 2 INVITE\r\nMax-Forwards")
          + "Via: SIP/2.0/TLS 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bKre2\r\n"
          + "Content-Type: application/sdp\r\nContent-Length: " + sdp2.length() + "\r\n\r\n"
          + sdp2;
      tcp.getOutputStream().write((ack + reinvite)
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String ok2 = "";
      while (!(ok2.startsWith("SIP/2.0 200") && ok2.contains("CSeq: 2 INVITE"))) {
        ok2 = readMessage(tcp.getInputStream());
      }
      assertTrue(ok2.contains("a=crypto:9 AES_CM_128_HMAC_SHA1_32 inline:" + ours + "\r\n"),
          ok2);
      assertEquals(io.rtc2sip.actors.port.SdesKey.fromBase64(newKey).orElseThrow(),
          media.crypto.get(e.entityId()).remoteKey(), "the peer's new key");
    }
  }
}
