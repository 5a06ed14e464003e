package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code rtc2sip.sip.srtp.policy}: optional by default, read from the configuration. */
class SipSrtpSettingsTest {
  private static SipSettings load(Map<String, Object> overrides) {
    return SipSettings.fromConfig(ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void optionalByDefaultAndInTestSettings() {
    assertEquals(SrtpPolicy.OPTIONAL, load(Map.of()).srtp());
    assertEquals(SrtpPolicy.OPTIONAL, SipSettings.of("127.0.0.1", 5062, "", "", "").srtp());
  }

  @Test
  void thePolicyIsReadAndABadOneRefused() {
    assertEquals(SrtpPolicy.REQUIRED, load(Map.of("rtc2sip.sip.srtp.policy", "required")).srtp());
    assertEquals(SrtpPolicy.OFF, load(Map.of("rtc2sip.sip.srtp.policy", "off")).srtp());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load(Map.of("rtc2sip.sip.srtp.policy", "always")));
    assertTrue(e.getMessage().contains("rtc2sip.sip.srtp.policy"), e.getMessage());
  }
}
