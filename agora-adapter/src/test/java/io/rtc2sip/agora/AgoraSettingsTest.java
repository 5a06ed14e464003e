package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgoraSettingsTest {

  @Test
  void referenceConfHasUsableDefaults() {
    AgoraSettings s = AgoraSettings.from(ConfigFactory.parseString("""
        rtc2sip.rtc.agora { app-id = "", app-certificate = "" }
        """).withFallback(ConfigFactory.parseResources("reference.conf")).resolve());
    assertEquals(true, s.stringUids());
    assertEquals(Duration.ofHours(1), s.tokenExpiry());
    assertEquals(4, s.headStartFrames());
    assertEquals(10, s.receiveQueueFrames());
    assertEquals(Duration.ofSeconds(15), s.reconnectGrace());
    assertEquals(3, s.reconnectAttempts());
    assertEquals(Duration.ofSeconds(2), s.disconnectTimeout());
    assertEquals(Duration.ofMillis(500), s.destroyDelay());
    assertEquals("logs/agora", s.logDir());
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    AgoraSettings s = TestSettings.agora();
    assertEquals(Duration.ofSeconds(1), s.backoff(1));
    assertEquals(Duration.ofSeconds(2), s.backoff(2));
    assertEquals(Duration.ofSeconds(4), s.backoff(3));
    assertEquals(Duration.ofSeconds(4), s.backoff(50));
  }

  @Test
  void outOfRangeValuesAreRejectedWithTheirKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AgoraSettings("", "", true, Duration.ofHours(1), 0, 10, Duration.ofSeconds(5),
            3, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(2),
            Duration.ofMillis(500), "logs"));
    assertTrue(e.getMessage().contains("head-start"), e.getMessage());
  }

  @Test
  void theCertificateIsNotPrinted() {
    assertTrue(TestSettings.agora().toString().contains("appCertificate=(set)"));
    assertTrue(!TestSettings.agora().toString().contains(TestSettings.CERTIFICATE));
  }

  @Test
  void durationsInLogLinesAreShort() {
    assertEquals("500ms", AgoraSettings.format(Duration.ofMillis(500)));
    assertEquals("15s", AgoraSettings.format(Duration.ofSeconds(15)));
    assertEquals("2m", AgoraSettings.format(Duration.ofMinutes(2)));
    assertEquals("1h", AgoraSettings.format(Duration.ofHours(1)));
  }
}
