package io.rtc2sip.sip.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DigestCheckTest {
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final Nonces nonces = new Nonces("a-secret-of-16-bytes+".getBytes(
      StandardCharsets.UTF_8), Duration.ofSeconds(60), millis::get);

  @Test
  void theRfc2617ExampleResponse() {
    // RFC 2617 section 3.5: Mufasa / "Circle Of Life"
    DigestCheck.Credentials c = new DigestCheck.Credentials("Mufasa", "testrealm@host.com",
        "dcd98b7102dd2f0e8b11d0f600bfb0c093", "/dir/index.html", null, null, "auth",
        "00000001", "0a4f113b");
    assertEquals("6629fae49393a05397450978507c4ef1",
        DigestCheck.response("Mufasa", "Circle Of Life", "GET", c));
  }

  @Test
  void noncesAreValidThenStaleAndForgedOnesUnknown() {
    String nonce = nonces.issue();
    assertEquals(Nonces.Check.VALID, nonces.check(nonce));
    millis.addAndGet(60_000);
    assertEquals(Nonces.Check.VALID, nonces.check(nonce));
    millis.addAndGet(1);
    assertEquals(Nonces.Check.STALE, nonces.check(nonce));
    String time = Long.toHexString(millis.get());
    assertEquals(Nonces.Check.UNKNOWN, nonces.check(time + nonce.substring(nonce.indexOf('.'))),
        "a new time under an old MAC");
    assertEquals(Nonces.Check.UNKNOWN, nonces.check("nonsense"));
    assertEquals(Nonces.Check.UNKNOWN, nonces.check(null));
    Nonces otherNode = new Nonces("another-secret-16-bytes".getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(60), millis::get);
    assertEquals(Nonces.Check.UNKNOWN, otherNode.check(nonces.issue()));
  }

  @Test
  void responsesAreCheckedAgainstTheAccounts() {
    DigestCheck check = new DigestCheck("rtc2sip", Map.of("pbx", "s3cret"), nonces);
    String nonce = check.newNonce();
    DigestCheck.Credentials good = answer("pbx", "s3cret", "rtc2sip", nonce);
    assertEquals(DigestCheck.Result.OK, check.check("INVITE", good));
    assertEquals(DigestCheck.Result.BAD, check.check("INVITE", answer("pbx", "wrong", "rtc2sip",
        nonce)));
    assertEquals(DigestCheck.Result.BAD, check.check("INVITE", answer("eve", "s3cret",
        "rtc2sip", nonce)));
    assertEquals(DigestCheck.Result.BAD, check.check("INVITE", answer("pbx", "s3cret", "other",
        nonce)));
    assertEquals(DigestCheck.Result.BAD, check.check("BYE", good), "the method is hashed");
    millis.addAndGet(61_000);
    assertEquals(DigestCheck.Result.STALE, check.check("INVITE", good));
  }

  private static DigestCheck.Credentials answer(String user, String password, String realm,
      String nonce) {
    DigestCheck.Credentials c = new DigestCheck.Credentials(user, realm, nonce,
        "sip:alice@127.0.0.1", null, "MD5", "auth", "00000001", "c0ffee");
    return new DigestCheck.Credentials(user, realm, nonce, c.uri(),
        DigestCheck.response(user, password, "INVITE", c), "MD5", "auth", "00000001", "c0ffee");
  }
}
