package io.rtc2sip.signaling.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code rtc2sip.push}: defaults, what is refused, the backoff and which uids may be parked. */
class PushSettingsTest {

  private static PushSettings with(Map<String, Object> settings) {
    Config c = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve();
    return PushSettings.fromConfig(c);
  }

  @Test
  void byDefaultNothingIsPushedAndNoUnknownUidParked() {
    PushSettings s = with(Map.of());
    assertFalse(s.enabled());
    assertFalse(s.parkable("anyone"));
    assertEquals(Duration.ofSeconds(3), s.timeout());
    assertEquals(3, s.retries());
  }

  @Test
  void aUrlWithoutASecretOfSixteenCharactersIsRefused() {
    var none = assertThrows(IllegalArgumentException.class,
        () -> with(Map.of("rtc2sip.push.url", "https://push.example/rtc")));
    assertTrue(none.getMessage().contains("rtc2sip.push.secret"), none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> with(Map.of(
        "rtc2sip.push.url", "https://push.example/rtc", "rtc2sip.push.secret", "short")));
    assertThrows(IllegalArgumentException.class, () -> with(Map.of(
        "rtc2sip.push.url", "ftp://push.example/rtc",
        "rtc2sip.push.secret", "0123456789abcdef")));
  }

  @Test
  void theSecretIsNeverShownNorTheUrlsCredentials() {
    PushSettings s = with(Map.of(
        "rtc2sip.push.url", "https://user:pass@push.example:8443/rtc?token=abc",
        "rtc2sip.push.secret", "do-not-show-this-secret"));
    assertFalse(s.toString().contains("do-not-show"), s.toString());
    assertEquals("https://push.example:8443/rtc", s.loggableUrl());
    assertFalse(s.toString().contains("pass") || s.toString().contains("abc"), s.toString());
  }

  @Test
  void theBackoffDoublesAndTheRetriesCount() {
    PushSettings s = with(Map.of("rtc2sip.push.url", "http://127.0.0.1:9/push",
        "rtc2sip.push.secret", "0123456789abcdef"));
    assertEquals(Duration.ofMillis(500), s.backoffAfter(1));
    assertEquals(Duration.ofSeconds(1), s.backoffAfter(2));
    assertEquals(Duration.ofSeconds(2), s.backoffAfter(3));
    assertFalse(s.last(3));
    assertTrue(s.last(4));
  }

  @Test
  void anUnknownUidIsParkableOnlyWhenItMatchesThePatternWhole() {
    PushSettings s = with(Map.of("rtc2sip.push.url", "http://127.0.0.1:9/push",
        "rtc2sip.push.secret", "0123456789abcdef",
        "rtc2sip.push.any-uid-pattern", "app-[0-9]+"));
    assertTrue(s.parkable("app-42"));
    assertFalse(s.parkable("app-42x"));
    assertFalse(s.parkable("x-app-42"));
    assertThrows(IllegalArgumentException.class, () -> with(Map.of(
        "rtc2sip.push.any-uid-pattern", "app-[")));
  }
}
