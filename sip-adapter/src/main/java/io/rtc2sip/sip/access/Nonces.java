package io.rtc2sip.sip.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest nonces that need no table: the time of issue and an HMAC-SHA256 of it under the
 * node's secret ({@code <millis hex>.<mac>}). A nonce is valid until {@code lifetime} after
 * its issue; an older one is stale (the client retries with a fresh one), and one whose MAC
 * does not verify (forged, or from a node with another secret) is unknown.
 */
public final class Nonces {
  /** What a nonce presented by a client is. */
  public enum Check { VALID, STALE, UNKNOWN }

  private final SecretKeySpec key;
  private final long lifetimeMillis;
  private final LongSupplier millis;

  public Nonces(byte[] secret, Duration lifetime, LongSupplier millis) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("nonce secret must have at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.lifetimeMillis = lifetime.toMillis();
    this.millis = millis;
  }

  public String issue() {
    String time = Long.toHexString(millis.getAsLong());
    return time + "." + mac(time);
  }

  public Check check(String nonce) {
    if (nonce == null) {
      return Check.UNKNOWN;
    }
    int dot = nonce.indexOf('.');
    if (dot <= 0 || dot > 16) {
      return Check.UNKNOWN;
    }
    String time = nonce.substring(0, dot);
    byte[] expected = mac(time).getBytes(StandardCharsets.US_ASCII);
    byte[] given = nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return Check.UNKNOWN;
    }
    long issued;
    try {
      issued = Long.parseLong(time, 16);
    } catch (NumberFormatException e) {
      return Check.UNKNOWN;
    }
    long age = millis.getAsLong() - issued;
    return age >= 0 && age <= lifetimeMillis ? Check.VALID : Check.STALE;
  }

  private String mac(String time) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] out = mac.doFinal(time.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
