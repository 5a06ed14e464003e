package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which call a SIP message is traced under. */
class Slf4jServerLoggerTest {

  private static SIPMessage options(String callId) throws Exception {
    String text = "OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n"
        + "From: <sip:rtc2sip@127.0.0.1:5062>;tag=f1\r\n"
        + "To: <sip:127.0.0.1:5060>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    return new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.US_ASCII), true,
        false, null);
  }

  @Test
  void ourDestinationProbesAreNoCallsOfTheTrace() throws Exception {
    assertEquals("", Slf4jServerLogger.callIdOf(options(
        DestinationProbes.CALL_ID_PREFIX + "1234@127.0.0.1")));
    assertTrue(!Slf4jServerLogger.callIdOf(options("peer-1234@10.0.0.1")).isEmpty(),
        "a peer's request with a From-tag is traced under its call");
  }
}
