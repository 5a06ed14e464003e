package io.rtc2sip.sip.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checks a digest response (RFC 2617 / RFC 7616, algorithm MD5, qop "auth" or none) against
 * the configured accounts (user name to password) of one realm, and a nonce we issued.
 */
public final class DigestCheck {
  /** The verdict on an Authorization / Proxy-Authorization. */
  public enum Result { OK, STALE, BAD }

  /** The fields of a Digest credentials header, as the client sent them. */
  public record Credentials(String username, String realm, String nonce, String uri,
      String response, String algorithm, String qop, String nc, String cnonce) {}

  private final String realm;
  private final Map<String, String> passwords;
  private final Nonces nonces;

  public DigestCheck(String realm, Map<String, String> passwords, Nonces nonces) {
    this.realm = realm;
    this.passwords = Map.copyOf(passwords);
    this.nonces = nonces;
  }

  public String realm() {
    return realm;
  }

  public boolean hasAccounts() {
    return !passwords.isEmpty();
  }

  public String newNonce() {
    return nonces.issue();
  }

  /** The verdict on {@code c} for a request of {@code method}. */
  public Result check(String method, Credentials c) {
    if (c.username() == null || c.response() == null || c.uri() == null
        || !realm.equals(c.realm())) {
      return Result.BAD;
    }
    if (c.algorithm() != null && !c.algorithm().equalsIgnoreCase("MD5")) {
      return Result.BAD;
    }
    Nonces.Check nonce = nonces.check(c.nonce());
    if (nonce != Nonces.Check.VALID) {
      // a nonce of another node or an old one: the client is asked again with a fresh one
      return Result.STALE;
    }
    String password = passwords.get(c.username());
    if (password == null) {
      return Result.BAD;
    }
    String expected = response(c.username(), password, method, c);
    if (expected == null) {
      return Result.BAD;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        c.response().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
        ? Result.OK : Result.BAD;
  }

  /** The response a client knowing {@code password} computes (null: a qop we do not take). */
  static String response(String user, String password, String method, Credentials c) {
    String ha1 = md5(user + ":" + c.realm() + ":" + password);
    String ha2 = md5(method + ":" + c.uri());
    if (c.qop() == null || c.qop().isEmpty()) {
      return md5(ha1 + ":" + c.nonce() + ":" + ha2);
    }
    if (!c.qop().equalsIgnoreCase("auth") || c.nc() == null || c.cnonce() == null) {
      return null;
    }
    return md5(ha1 + ":" + c.nonce() + ":" + c.nc() + ":" + c.cnonce() + ":auth:" + ha2);
  }

  static String md5(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }
}
