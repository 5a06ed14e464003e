package io.rtc2sip.signaling.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The push signature: a reference value, and what does not verify. */
class PushSignatureTest {

  private static final String SECRET = "0123456789abcdef-push";
  private static final byte[] BODY = "{\"callId\":\"i-1\",\"attempt\":1}"
      .getBytes(StandardCharsets.UTF_8);

  /**
   * Computed independently with openssl:
   * {@code printf '%s' '1764756000.{"callId":"i-1","attempt":1}' | openssl dgst -sha256 -hmac
   * '0123456789abcdef-push'}.
   */
  private static final String OPENSSL =
      "34e1b2430c3f692a88ee9460bbc45d300e5163c9ca7e866960b6d5deeaedf617";

  @Test
  void theSignatureIsTheHmacOfTimestampDotBody() {
    assertEquals("sha256=" + OPENSSL, PushSignature.sign(SECRET, "1764756000", BODY));
  }

  @Test
  void onlyTheSameSecretTimestampAndBodyVerify() {
    String signature = PushSignature.sign(SECRET, "1764756000", BODY);
    assertTrue(PushSignature.verify(SECRET, "1764756000", BODY, signature));
    byte[] tampered = "{\"callId\":\"i-2\",\"attempt\":1}".getBytes(StandardCharsets.UTF_8);
    assertFalse(PushSignature.verify(SECRET, "1764756000", tampered, signature));
    assertFalse(PushSignature.verify(SECRET, "1764756001", BODY, signature));
    assertFalse(PushSignature.verify("another-secret-of-16", "1764756000", BODY, signature));
    assertFalse(PushSignature.verify(SECRET, "1764756000", BODY, signature.substring(7)));
    assertFalse(PushSignature.verify(SECRET, "1764756000", BODY, "sha256=zz"));
    assertFalse(PushSignature.verify(SECRET, "1764756000", BODY, null));
  }
}
