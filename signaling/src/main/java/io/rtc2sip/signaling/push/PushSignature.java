package io.rtc2sip.signaling.push;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a push request: {@code sha256=} and the hex HMAC-SHA256, under the configured
 * secret, of the timestamp header's value, a dot and the exact body bytes. Signing the timestamp
 * lets a receiver refuse replays (an old timestamp) without trusting an unsigned header.
 */
public final class PushSignature {

  /** The header with the signature. */
  public static final String HEADER = "X-Rtc2sip-Signature";
  /** The header with the time of signing, in seconds since the epoch. */
  public static final String TIMESTAMP_HEADER = "X-Rtc2sip-Timestamp";

  private static final String PREFIX = "sha256=";

  private PushSignature() {}

  /** The value of {@link #HEADER} for {@code body} sent at {@code timestamp}. */
  public static String sign(String secret, String timestamp, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(secret, timestamp, body));
  }

  /** Whether {@code signature} is that of {@code body} at {@code timestamp} (constant time). */
  public static boolean verify(String secret, String timestamp, byte[] body, String signature) {
    if (signature == null || !signature.startsWith(PREFIX) || timestamp == null) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(secret, timestamp, body), given);
  }

  private static byte[] mac(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
