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
    port = Sipp.freeUdpPort();
    SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp"), "", "", "",
        "rtc2sip-test", "", 300, Map.of(), 1800, 0, 5).withSrtp(policy);
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
}
