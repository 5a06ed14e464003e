package io.rtc2sip.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokensTest {
  private final Instant now = Instant.parse("2026-11-24T10:00:00Z");
  private final Tokens tokens = new Tokens("secret-of-sixteen+", Clock.fixed(now, ZoneOffset.UTC));

  @Test
  void aTokenIsValidForItsUidUntilItExpires() {
    String t = tokens.issue("alice", Duration.ofMinutes(10));
    assertEquals(Optional.empty(), tokens.reject("alice", t));
    assertEquals(Optional.of("token is for another uid"), tokens.reject("bob", t));
    Tokens later = new Tokens("secret-of-sixteen+",
        Clock.fixed(now.plus(Duration.ofMinutes(10)), ZoneOffset.UTC));
    assertEquals(Optional.of("token expired"), later.reject("alice", t));
  }

  @Test
  void forgedAndBrokenTokensAreRefused() {
    String t = tokens.issue("alice", Duration.ofMinutes(10));
    Tokens other = new Tokens("another-secret-123", Clock.fixed(now, ZoneOffset.UTC));
    assertEquals(Optional.of("bad token signature"), other.reject("alice", t));
    String tampered = t.substring(0, t.length() - 2) + (t.endsWith("AA") ? "BB" : "AA");
    assertTrue(tokens.reject("alice", tampered).isPresent());
    assertEquals(Optional.of("malformed token"), tokens.reject("alice", "no-dot"));
    assertEquals(Optional.of("malformed token"), tokens.reject("alice", "%%%.%%%"));
  }
}
