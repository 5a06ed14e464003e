package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import javax.sdp.SdpException;
import org.junit.jupiter.api.Test;

/** SDP connection addresses are IP literals only: nothing in an SDP makes a SIP thread use DNS. */
class SdpAddressTest {

  @Test
  void ipLiteralsAreTakenAndEverythingElseIsRefusedWithoutALookup() throws Exception {
    List<String> taken = List.of("127.0.0.1", "192.0.2.10", "0.0.0.0", "255.255.255.255", "::1",
        "2001:db8::7", "::ffff:192.0.2.1");
    for (String a : taken) {
      assertEquals(java.net.InetAddress.getByName(a), Sdp.literal(a), a);
    }
    List<String> refused = List.of("media.example.com", "localhost", "example.invalid", "",
        "256.1.1.1", "1.2.3", "1.2.3.4.5", "dead:beef", "1:2:3:4:5:6:7:8:9", "10.0.0.1/127",
        "[::1]", "0x7f.0.0.1");
    for (String a : refused) {
      long start = System.nanoTime();
      assertThrows(SdpException.class, () -> Sdp.literal(a), a);
      assertEquals(true, System.nanoTime() - start < 1_000_000_000L, a + " refused at once");
    }
  }

  @Test
  void anSdpNamingAHostIsRefused() {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 pbx.example.com\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
    SdpException e = assertThrows(SdpException.class, () -> Sdp.read(sdp));
    assertEquals("the connection address must be an IP address, not pbx.example.com",
        e.getMessage());
  }
}
