package io.rtc2sip.agora;

import java.time.Duration;

/** Settings for tests: head start 3, grace 5 s, 2 rejoins after 1 s / 2 s, teardown 2 s + 0.5 s. */
final class TestSettings {
  static final String APP_ID = "0123456789abcdef0123456789abcdef";
  static final String CERTIFICATE = "fedcba9876543210fedcba9876543210";

  private TestSettings() {}

  static AgoraSettings agora() {
    return agora(true);
  }

  static AgoraSettings agora(boolean stringUids) {
    return new AgoraSettings(APP_ID, CERTIFICATE, stringUids, Duration.ofHours(1), 3, 5,
        Duration.ofSeconds(5), 2, Duration.ofSeconds(1), Duration.ofSeconds(4),
        Duration.ofSeconds(2), Duration.ofMillis(500), "target/agora-logs");
  }
}
