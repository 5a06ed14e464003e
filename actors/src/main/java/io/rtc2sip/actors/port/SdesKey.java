package io.rtc2sip.actors.port;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * An SRTP master key and salt as SDES carries them in SDP (RFC 4568 6.1: {@code inline:} the
 * base64 of 16 bytes of key followed by 14 of salt). Node-local: never persisted, logged or sent
 * between nodes; {@link #toString()} never shows it, and {@link #destroy()} zeroes it when its
 * owner lets it go.
 */
public final class SdesKey {
  /** 16 bytes of key and 14 of salt. */
  public static final int LENGTH = 30;
  private static final int BASE64_LENGTH = 40;

  private final byte[] keyAndSalt;

  private SdesKey(byte[] keyAndSalt) {
    this.keyAndSalt = keyAndSalt;
  }

  /** A fresh key from {@code random}. */
  public static SdesKey random(SecureRandom random) {
    byte[] b = new byte[LENGTH];
    random.nextBytes(b);
    return new SdesKey(b);
  }

  /** A copy of {@code keyAndSalt}, which must be 30 bytes. */
  public static SdesKey of(byte[] keyAndSalt) {
    if (keyAndSalt.length != LENGTH) {
      throw new IllegalArgumentException("an SDES key is " + LENGTH + " bytes");
    }
    return new SdesKey(keyAndSalt.clone());
  }

  /**
   * The key of an {@code inline:} key parameter: exactly 40 characters of base64 that decode to
   * 30 bytes. Empty for anything else (wrong length, characters outside base64).
   */
  public static Optional<SdesKey> fromBase64(String text) {
    if (text == null || text.length() != BASE64_LENGTH) {
      return Optional.empty();
    }
    try {
      byte[] b = Base64.getDecoder().decode(text);
      return b.length == LENGTH ? Optional.of(new SdesKey(b)) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The base64 of key and salt, for our SDP's {@code inline:} parameter. */
  public String base64() {
    return Base64.getEncoder().encodeToString(keyAndSalt);
  }

  /** A key of its own with the same material (its owner destroys it independently). */
  public SdesKey copy() {
    return new SdesKey(keyAndSalt.clone());
  }

  /** A copy of the 30 bytes of key and salt (the caller zeroes it when done). */
  public byte[] bytes() {
    return keyAndSalt.clone();
  }

  /** Zeroes the key: what it protected can no longer be read with this object. */
  public void destroy() {
    Arrays.fill(keyAndSalt, (byte) 0);
  }

  /** Equal key material, compared in constant time. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SdesKey other && MessageDigest.isEqual(keyAndSalt, other.keyAndSalt);
  }

  @Override
  public int hashCode() {
    return 0; // the material stays out of hash codes too
  }

  @Override
  public String toString() {
    return "SdesKey[redacted]";
  }
}
