package io.rtc2sip.signaling;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Login tokens: {@code base64url(uid "|" expiry-epoch-seconds) "." base64url(HMAC-SHA256)} with
 * the configured secret. Whoever holds the secret (the app's backend) mints them; the gateway
 * only verifies.
 */
public final class Tokens {

  private final byte[] secret;
  private final Clock clock;

  public Tokens(String secret, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** A token for {@code uid} valid for {@code ttl}. */
  public String issue(String uid, Duration ttl) {
    if (uid == null || uid.isBlank() || uid.contains("|")) {
      throw new IllegalArgumentException("a uid must be non-empty and without '|'");
    }
    long expiry = clock.instant().plus(ttl).getEpochSecond();
    String payload = uid + "|" + expiry;
    return b64(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64(mac(payload));
  }

  /** Empty when {@code token} is valid for {@code uid} now, else why not. */
  public Optional<String> reject(String uid, String token) {
    if (token == null || uid == null) {
      return Optional.of("uid and token are required");
    }
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return Optional.of("malformed token");
    }
    String payload;
    byte[] signature;
    try {
      payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8);
      signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.of("malformed token");
    }
    if (!MessageDigest.isEqual(signature, mac(payload))) {
      return Optional.of("bad token signature");
    }
    int bar = payload.lastIndexOf('|');
    if (bar <= 0 || !payload.substring(0, bar).equals(uid)) {
      return Optional.of("token is for another uid");
    }
    long expiry;
    try {
      expiry = Long.parseLong(payload.substring(bar + 1));
    } catch (NumberFormatException e) {
      return Optional.of("malformed token");
    }
    if (clock.instant().getEpochSecond() >= expiry) {
      return Optional.of("token expired");
    }
    return Optional.empty();
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
