package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rtc2sip.sip.ReliableProvisionals.Decision;
import io.rtc2sip.sip.ReliableSettings.Use;
import javax.sip.SipFactory;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/** Which INVITEs get reliable 18x, 18x sent once, or 420, under each setting. */
class ReliableDecisionTest {

  private static Request invite(String headers) throws Exception {
    return SipFactory.getInstance().createMessageFactory().createRequest(
        "INVITE sip:alice@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
            + "From: <sip:caller@127.0.0.1>;tag=a\r\nTo: <sip:alice@127.0.0.1>\r\n"
            + "Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" + headers
            + "Content-Length: 0\r\n\r\n");
  }

  @Test
  void eachSettingDecidesByRequireAndSupported() throws Exception {
    record Case(Use use, String headers, Decision expected) {}
    String require = "Require: 100rel\r\n";
    String supported = "Supported: timer, 100rel\r\n";
    String compact = "k: 100rel\r\n";
    String neither = "Supported: timer\r\n";
    for (Case c : new Case[] {
        new Case(Use.REQUIRED, require, Decision.RELIABLE),
        new Case(Use.REQUIRED, supported, Decision.UNRELIABLE),
        new Case(Use.REQUIRED, neither, Decision.UNRELIABLE),
        new Case(Use.SUPPORTED, require, Decision.RELIABLE),
        new Case(Use.SUPPORTED, supported, Decision.RELIABLE),
        new Case(Use.SUPPORTED, compact, Decision.RELIABLE),
        new Case(Use.SUPPORTED, neither, Decision.UNRELIABLE),
        new Case(Use.OFF, require, Decision.REFUSE),
        new Case(Use.OFF, supported, Decision.UNRELIABLE),
        new Case(Use.OFF, "", Decision.UNRELIABLE)}) {
      assertEquals(c.expected(), ReliableProvisionals.decide(c.use(), invite(c.headers())),
          c.use() + " with " + c.headers().trim());
    }
  }

  @Test
  void theSettingIsReadFromItsNames() {
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory.parseString(
        "rtc2sip.sip { t1 = 200ms, reliable-provisionals.use = Supported }");
    assertEquals(new ReliableSettings(Use.SUPPORTED, java.time.Duration.ofMillis(200)),
        ReliableSettings.fromConfig(config));
    assertEquals(ReliableSettings.DEFAULT, ReliableSettings.fromConfig(
        com.typesafe.config.ConfigFactory.load()));
  }
}
