package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SipTrace;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** SDES keys never reach the SIP trace, the traffic log or the stack's log. */
class SipRedactionTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final String KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void keysAreRedactedLifetimesAndTheRestKept() {
    assertEquals("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[redacted]",
        SipRedaction.redact("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY));
    assertEquals("a=crypto:2 AES_CM_128_HMAC_SHA1_32 INLINE:[redacted]|2^31|1:1\r\nm=x",
        SipRedaction.redact("a=crypto:2 AES_CM_128_HMAC_SHA1_32 INLINE:" + KEY
            + "|2^31|1:1\r\nm=x"));
    assertEquals("inline:[redacted];inline:[redacted]",
        SipRedaction.redact("inline:" + KEY + ";inline:" + KEY));
    assertEquals("no keys here", SipRedaction.redact("no keys here"));
    assertEquals(null, SipRedaction.redact(null));
  }

  private static SIPMessage invite() throws Exception {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY
        + "\r\n";
    String text = "INVITE sip:alice@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKredact\r\n"
        + "From: <sip:caller@127.0.0.1>;tag=redact\r\nTo: <sip:alice@127.0.0.1>\r\n"
        + "Call-ID: redact@caller\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    return new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true,
        false, null);
  }

  @Test
  void theSipTraceAndTheTrafficLogShowNoKey() throws Exception {
    ch.qos.logback.classic.Logger traffic =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.rtc2sip.sip.traffic");
    Level level = traffic.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    traffic.addAppender(lines);
    traffic.setLevel(Level.TRACE);
    try {
      Slf4jServerLogger logger = new Slf4jServerLogger();
      NodeMetrics metrics = NodeMetrics.get(KIT.system());
      logger.observe(metrics);
      SIPMessage invite = invite();
      assertTrue(invite.encode().contains(KEY), "the message itself carries the key");
      logger.logMessage(invite, "127.0.0.1:5061", "127.0.0.1:5062", false, 0);
      String callId = Slf4jServerLogger.callIdOf(invite);
      String traced = metrics.sipTrace().of(callId).stream()
          .map(SipTrace.Message::text).reduce("", String::concat);
      assertTrue(traced.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[redacted]"),
          traced);
      assertFalse(traced.contains(KEY), traced);
      assertEquals(1, lines.list.size());
      String logged = lines.list.get(0).getFormattedMessage();
      assertTrue(logged.contains("inline:[redacted]"), logged);
      assertFalse(logged.contains(KEY), logged);
    } finally {
      traffic.detachAppender(lines);
      traffic.setLevel(level);
    }
  }

  @Test
  void theStacksOwnLogShowsNoKey() {
    ch.qos.logback.classic.Logger stack =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("gov.nist.javax.sip.stack");
    Level level = stack.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    stack.addAppender(lines);
    stack.setLevel(Level.TRACE);
    try {
      Slf4jStackLogger logger = new Slf4jStackLogger();
      String message = "bad message: a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY;
      logger.logError(message);
      logger.logWarning(message);
      logger.logDebug(message);
      logger.logTrace(message);
      logger.logInfo(message);
      logger.logException(new IllegalStateException(message));
      assertEquals(6, lines.list.size(), lines.list.toString());
      for (ILoggingEvent e : lines.list) {
        assertFalse(e.getFormattedMessage().contains(KEY), e.getFormattedMessage());
        assertTrue(e.getFormattedMessage().contains("inline:[redacted]"),
            e.getFormattedMessage());
      }
    } finally {
      stack.detachAppender(lines);
      stack.setLevel(level);
    }
  }
}
