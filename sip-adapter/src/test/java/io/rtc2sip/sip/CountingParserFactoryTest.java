package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import org.junit.jupiter.api.Test;

class CountingParserFactoryTest {

  private static byte[] options(String via) {
    return ("OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + via + ";branch=z9hG4bK-1\r\n"
        + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:gw@127.0.0.1>\r\n"
        + "Call-ID: c1@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aViaPortNoSocketCanHaveIsAParseError() throws Exception {
    // the stack's timers would try to send the response there and log a stack trace each time
    var parser = new CountingParserFactory().createMessageParser(null);
    assertNotNull(parser.parseSIPMessage(options("127.0.0.1:5070"), true, false, null));
    assertNotNull(parser.parseSIPMessage(options("127.0.0.1"), true, false, null));
    for (String via : new String[] {"127.0.0.1:99999", "127.0.0.1:65536", "127.0.0.1:0"}) {
      assertThrows(ParseException.class,
          () -> parser.parseSIPMessage(options(via), true, false, null), via);
    }
  }
}
