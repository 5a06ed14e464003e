package io.rtc2sip.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.webrtc.WebRtcSettings.Codec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module's defaults, the environment's comma-separated codecs, and refusals. */
class WebRtcSettingsTest {
  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon + "\nrtc2sip.media.host = \"10.0.0.5\"")
        .withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void theDefaultsAnswerOpusFirstOnTheMediaHost() {
    WebRtcSettings s = WebRtcSettings.fromConfig(with(""));
    assertEquals("10.0.0.5", s.host());
    assertEquals(List.of(Codec.OPUS, Codec.PCMU, Codec.PCMA), s.codecs());
    assertEquals(Duration.ofSeconds(8), s.connectTimeout());
    assertEquals(1, s.opusComplexity());
  }

  @Test
  void codecsMayComeAsOneCommaSeparatedString() {
    assertEquals(List.of(Codec.PCMU, Codec.OPUS),
        WebRtcSettings.fromConfig(with("rtc2sip.webrtc.codecs = \"pcmu, opus\"")).codecs());
  }

  @Test
  void anUnknownCodecOrAWrongComplexityIsRefusedByName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WebRtcSettings.fromConfig(
        with("rtc2sip.webrtc.codecs = [g729]"))).getMessage().contains("'g729'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WebRtcSettings.fromConfig(
        with("rtc2sip.webrtc.opus.complexity = 11"))).getMessage().contains("complexity"));
  }
}
