package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A node reachable from elsewhere (a listener not on loopback) does not start with the public
 * development token secret or with operator HTTP open; on loopback it does.
 */
class ExposureTest {
  private static final String SECRET = "a-real-secret-of-enough-length";

  private static Config config(Map<String, Object> settings) {
    return NodeConfig.load(Map.of(), ConfigFactory.parseMap(settings));
  }

  private static Map<String, Object> exposed(String key) {
    Map<String, Object> m = new HashMap<>();
    m.put(key, "0.0.0.0");
    return m;
  }

  @Test
  void onLoopbackTheDefaultsStart() {
    assertEquals(Optional.empty(), Exposure.refusal(config(Map.of())));
    assertEquals(Optional.empty(), Exposure.refusal(config(Map.of(
        "rtc2sip.node.host", "127.0.0.2", "rtc2sip.http.host", "localhost",
        "rtc2sip.media.host", "::1"))));
  }

  @Test
  void anyListenerOffLoopbackNeedsARealSecretAndOperatorCredentials() {
    for (String key : new String[] {"rtc2sip.signaling.host", "rtc2sip.http.host",
        "rtc2sip.sip.host", "rtc2sip.media.host"}) {
      String refusal = Exposure.refusal(config(exposed(key))).orElseThrow(() ->
          new AssertionError(key + " off loopback with the development secret started"));
      assertTrue(refusal.contains("RTC2SIP_SIGNALING_TOKEN_SECRET"), refusal);
      assertTrue(refusal.contains("RTC2SIP_OPERATOR_USER"), refusal);
      assertTrue(refusal.contains(key), refusal);
    }
    Map<String, Object> secretOnly = exposed("rtc2sip.http.host");
    secretOnly.put("rtc2sip.signaling.token-secret", SECRET);
    String refusal = Exposure.refusal(config(secretOnly)).orElseThrow();
    assertTrue(!refusal.contains("RTC2SIP_SIGNALING_TOKEN_SECRET"), refusal);
    assertTrue(refusal.contains("RTC2SIP_OPERATOR_USER"), refusal);

    Map<String, Object> operatorOnly = exposed("rtc2sip.sip.host");
    operatorOnly.put("rtc2sip.http.operator.token", "scrape-token");
    assertTrue(Exposure.refusal(config(operatorOnly)).orElseThrow()
        .contains("RTC2SIP_SIGNALING_TOKEN_SECRET"));

    Map<String, Object> ready = exposed("rtc2sip.media.host");
    ready.put("rtc2sip.signaling.token-secret", SECRET);
    ready.put("rtc2sip.http.operator.user", "ops");
    ready.put("rtc2sip.http.operator.password", "a-long-password");
    assertEquals(Optional.empty(), Exposure.refusal(config(ready)));
  }

  @Test
  void sipOverTlsOffLoopbackChecksTheServersItConnectsTo() {
    Map<String, Object> m = exposed("rtc2sip.sip.host");
    m.put("rtc2sip.signaling.token-secret", SECRET);
    m.put("rtc2sip.http.operator.token", "scrape-token");
    m.put("rtc2sip.sip.tls.enabled", "on");
    assertEquals(Optional.empty(), Exposure.refusal(config(m)));
    m.put("rtc2sip.sip.tls.verify-server", "off");
    String refusal = Exposure.refusal(config(m)).orElseThrow(() ->
        new AssertionError("SIP over TLS without server checks off loopback started"));
    assertTrue(refusal.contains("RTC2SIP_SIP_TLS_VERIFY_SERVER"), refusal);
    Map<String, Object> loopback = new HashMap<>(Map.of("rtc2sip.sip.tls.enabled", "on",
        "rtc2sip.sip.tls.verify-server", "off"));
    assertEquals(Optional.empty(), Exposure.refusal(config(loopback)), "tests on loopback");
  }

  @Test
  void httpAndSignalingOffLoopbackSpeakTlsUnlessPlainIsAllowed() {
    for (String listener : new String[] {"signaling", "http"}) {
      Map<String, Object> m = exposed("rtc2sip." + listener + ".host");
      m.put("rtc2sip.signaling.token-secret", SECRET);
      m.put("rtc2sip.http.operator.token", "scrape-token");
      String refusal = Exposure.refusal(config(m)).orElseThrow(() ->
          new AssertionError(listener + " off loopback in clear started"));
      assertTrue(refusal.contains("rtc2sip." + listener + ".tls = off"), refusal);
      assertTrue(refusal.contains("RTC2SIP_TLS_ALLOW_PLAIN"), refusal);
      assertTrue(!refusal.contains("RTC2SIP_SIGNALING_TOKEN_SECRET"), refusal);
      m.put("rtc2sip." + listener + ".tls", "on");
      assertEquals(Optional.empty(), Exposure.refusal(config(m)), listener + " with tls");
      m.put("rtc2sip." + listener + ".tls", "off");
      m.put("rtc2sip.tls.allow-plain", "on");
      assertEquals(Optional.empty(), Exposure.refusal(config(m)), listener + " plain allowed");
    }
    Map<String, Object> operator = exposed("rtc2sip.http.operator.host");
    operator.put("rtc2sip.http.operator.port", 9090);
    operator.put("rtc2sip.signaling.token-secret", SECRET);
    operator.put("rtc2sip.http.operator.token", "scrape-token");
    operator.put("rtc2sip.http.tls", "on");
    assertEquals(Optional.empty(), Exposure.refusal(config(operator)),
        "operator HTTP follows rtc2sip.http.tls");
    operator.put("rtc2sip.http.operator.tls", "off");
    assertTrue(Exposure.refusal(config(operator)).orElseThrow()
        .contains("rtc2sip.http.operator.tls = off"));
  }

  @Test
  void anOperatorListenerOfItsOwnCountsWhenItHasAPort() {
    Map<String, Object> m = exposed("rtc2sip.http.operator.host");
    assertEquals(Optional.empty(), Exposure.refusal(config(m)), "no port: not a listener");
    m.put("rtc2sip.http.operator.port", 9090);
    assertTrue(Exposure.refusal(config(m)).isPresent());
  }

  @Test
  void aNodeWhoseCertificateCannotBeLoadedDoesNotStart() {
    String password = "the-pkcs12-password";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        GatewayNode.start(config(Map.of("rtc2sip.signaling.tls", "on",
            "rtc2sip.tls.pkcs12", "/nonexistent/node.p12", "rtc2sip.tls.password", password)),
            system -> {
              throw new AssertionError("services started");
            }));
    assertTrue(e.getMessage().startsWith("rtc2sip.tls.pkcs12 (/nonexistent/node.p12)"),
        e.getMessage());
    assertTrue(!e.getMessage().contains(password), e.getMessage());
  }

  @Test
  void aNodeWithAPushUrlAndNoProperSecretDoesNotStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        GatewayNode.start(config(Map.of("rtc2sip.push.url", "https://push.example/rtc",
            "rtc2sip.push.secret", "too-short")),
            system -> {
              throw new AssertionError("services started");
            }));
    assertTrue(e.getMessage().contains("rtc2sip.push.secret"), e.getMessage());
    assertTrue(!e.getMessage().contains("too-short"), e.getMessage());
  }

  @Test
  void theNodeRefusesToStartBeforeItOpensAnything() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        GatewayNode.start(config(exposed("rtc2sip.signaling.host")), system -> {
          throw new AssertionError("services started");
        }));
    assertTrue(e.getMessage().contains("RTC2SIP_SIGNALING_TOKEN_SECRET"), e.getMessage());
  }
}
