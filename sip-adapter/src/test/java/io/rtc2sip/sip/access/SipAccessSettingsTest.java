package io.rtc2sip.sip.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SipAccessSettingsTest {
  private static SipAccessSettings load(Map<String, Object> overrides) {
    Config c = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference());
    return SipAccessSettings.fromConfig(c.resolve());
  }

  @Test
  void theDefaultsTrustLoopbackAndChallengeTheRest() throws Exception {
    SipAccessSettings s = load(Map.of());
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InetAddress other = InetAddress.getByName("10.0.0.1");
    assertTrue(s.trusted().stream().anyMatch(c -> c.contains(loopback)));
    assertFalse(s.trusted().stream().anyMatch(c -> c.contains(other)));
    assertEquals(SipAccessSettings.Untrusted.CHALLENGE, s.untrusted());
    assertTrue(s.accounts().isEmpty());
    assertTrue(s.scannerAgents().contains("friendly-scanner"));
    assertFalse(s.scannerForbidden());
    assertEquals(Duration.ofMinutes(5), s.banTime());
  }

  @Test
  void environmentStringsBecomeListsAndAccounts() throws Exception {
    SipAccessSettings s = load(Map.of(
        "rtc2sip.sip.access.trusted", "10.0.0.0/8, 192.0.2.1",
        "rtc2sip.sip.access.account.username", "pbx",
        "rtc2sip.sip.access.account.password", "secret",
        "rtc2sip.sip.access.untrusted", "refuse",
        "rtc2sip.sip.access.scanners.action", "forbid",
        "rtc2sip.sip.auth.hosts", "trunk.example.com, 192.0.2.7:5060"));
    assertEquals(2, s.trusted().size());
    assertTrue(s.trusted().get(0).contains(InetAddress.getByName("10.9.9.9")));
    assertEquals(Map.of("pbx", "secret"), s.accounts());
    assertEquals(SipAccessSettings.Untrusted.REFUSE, s.untrusted());
    assertTrue(s.scannerForbidden());
    assertEquals(java.util.List.of("trunk.example.com", "192.0.2.7:5060"), s.trunkHosts());
  }

  @Test
  void badSettingsAreRefusedClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load(Map.of("rtc2sip.sip.access.untrusted", "maybe")));
    assertTrue(e.getMessage().contains("rtc2sip.sip.access.untrusted"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> load(Map.of("rtc2sip.sip.access.trusted", "pbx.example.com")));
  }
}
