package io.rtc2sip.sip.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Destination sets read from configuration, and the start-up errors that name the setting. */
class DestinationSettingsTest {

  private static Config config(String destinations) {
    return ConfigFactory.parseString("rtc2sip.sip.destinations {" + destinations + "}")
        .withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static String error(String destinations) {
    return assertThrows(IllegalArgumentException.class,
        () -> DestinationSettings.fromConfig(config(destinations), "")).getMessage();
  }

  @Test
  void theDocumentedExampleReadsAsWritten() {
    DestinationSettings s = DestinationSettings.fromConfig(config("""
        sets {
          uk {
            servers = [
              { uri = "sip:10.0.0.5:5060;transport=udp", weight = 2, priority = 0 },
              { uri = "sip:10.0.0.6:5060", weight = 1 },
              { uri = "sip:10.0.0.7:5060;transport=tcp", weight = 1, priority = 1 }
            ]
            algorithm = "priority"
            failover-codes = [408, 480, "5xx"]
            probe { interval = 5s, timeout = 1s, failures-to-down = 2, expected-codes = [200] }
          }
          pbx { servers = [ { uri = "sip:pbx.example.com" } ] }
        }
        routes = [ { prefix = "+44", set = "uk" }, { pattern = ".*@pbx\\\\.example\\\\.com",
          set = "pbx" }, { uids = "agent-.*", set = "pbx" } ]
        default-set = "uk"
        """), "");
    DestinationSettings.SetSettings uk = s.sets().get("uk");
    assertEquals(Algorithm.PRIORITY, uk.algorithm());
    assertEquals(List.of(new DestinationSettings.ServerSettings(
            "sip:10.0.0.5:5060;transport=udp", 2, 0),
        new DestinationSettings.ServerSettings("sip:10.0.0.6:5060", 1, 0),
        new DestinationSettings.ServerSettings("sip:10.0.0.7:5060;transport=tcp", 1, 1)),
        uk.servers());
    assertTrue(uk.failsOver(408) && uk.failsOver(480) && uk.failsOver(500)
        && uk.failsOver(599));
    assertFalse(uk.failsOver(486) || uk.failsOver(603) || uk.failsOver(404));
    assertEquals(new DestinationSettings.ProbeSettings(Duration.ofSeconds(5),
        Duration.ofSeconds(1), 2, 2, List.of(200)), uk.probe());
    assertTrue(uk.probe().alive(200));
    assertFalse(uk.probe().alive(404));
    // the other set takes the defaults
    DestinationSettings.SetSettings pbx = s.sets().get("pbx");
    assertEquals(Algorithm.WEIGHTED, pbx.algorithm());
    assertEquals(1, pbx.servers().get(0).weight());
    assertTrue(pbx.failsOver(408) && pbx.failsOver(503));
    assertFalse(pbx.failsOver(600) || pbx.failsOver(603), "6xx is the callee's final word");
    assertEquals(Duration.ofSeconds(10), pbx.probe().interval());
    assertEquals(Duration.ofSeconds(2), pbx.failoverTimeout());
    assertTrue(pbx.probe().alive(200) && pbx.probe().alive(404) && pbx.probe().alive(483));
    assertFalse(pbx.probe().alive(408) || pbx.probe().alive(500) || pbx.probe().alive(503));

    Destinations d = new Destinations(s);
    assertEquals("uk", d.setFor("+441234", "gw", "bob").orElseThrow().name());
    assertEquals("pbx", d.setFor("200", "pbx.example.com", "bob").orElseThrow().name());
    assertEquals("pbx", d.setFor("300", "elsewhere", "agent-7").orElseThrow().name());
    assertEquals("uk", d.setFor("300", "elsewhere", "bob").orElseThrow().name(), "default");
  }

  @Test
  void withoutSetsTheOutboundProxyIsASetOfOneThatIsNotProbed() {
    DestinationSettings s = DestinationSettings.fromConfig(config(""), "sip:proxy.example:5060");
    DestinationSettings.SetSettings proxy = s.sets().get(DestinationSettings.OUTBOUND_PROXY_SET);
    assertEquals(List.of(new DestinationSettings.ServerSettings("sip:proxy.example:5060", 1, 0)),
        proxy.servers());
    assertFalse(proxy.probe().enabled());
    assertFalse(proxy.failsOver(503));
    assertEquals(DestinationSettings.OUTBOUND_PROXY_SET, s.defaultSet());
    assertEquals(DestinationSettings.OUTBOUND_PROXY_SET,
        new Destinations(s).setFor("1", "x", "u").orElseThrow().name());
  }

  @Test
  void nothingConfiguredSendsCallsToTheRequestUriHost() {
    DestinationSettings s = DestinationSettings.fromConfig(config(""), "");
    assertTrue(s.sets().isEmpty());
    assertTrue(new Destinations(s).setFor("1", "x", "u").isEmpty());
  }

  @Test
  void wrongSettingsStopTheNodeNamingTheSetting() {
    assertEquals("rtc2sip.sip.destinations.routes[0].set: no set named \"us\" in"
        + " rtc2sip.sip.destinations.sets", error("""
        sets { uk { servers = [ { uri = "sip:10.0.0.5" } ] } }
        routes = [ { prefix = "+1", set = "us" } ]"""));
    assertEquals("rtc2sip.sip.destinations.sets.uk.servers[1].weight: -1 is below 0", error("""
        sets { uk { servers = [ { uri = "sip:10.0.0.5" }, { uri = "sip:10.0.0.6",
          weight = -1 } ] } }"""));
    assertTrue(error("sets { uk { servers = [ { uri = \"http://10.0.0.5\" } ] } }")
        .startsWith("rtc2sip.sip.destinations.sets.uk.servers[0].uri: \"http://10.0.0.5\" is not"
            + " a SIP URI"));
    assertEquals("rtc2sip.sip.destinations.sets.uk.servers: the set has no server",
        error("sets { uk { servers = [] } }"));
    assertTrue(error("sets { uk { servers = [ { uri = \"sip:a\" } ], algorithm = fastest } }")
        .startsWith("rtc2sip.sip.destinations.sets.uk.algorithm: unknown algorithm \"fastest\""));
    assertEquals("rtc2sip.sip.destinations.default-set: no set named \"eu\" in"
        + " rtc2sip.sip.destinations.sets", error("default-set = eu"));
    assertTrue(error("sets { uk { servers = [ { uri = \"sip:a\" } ], failover-codes = [99] } }")
        .startsWith("rtc2sip.sip.destinations.sets.uk.failover-codes: \"99\" is not a SIP"));
    assertTrue(error("sets { uk { servers = [ { uri = \"sip:a\" } ], probe.timeout = 20s } }")
        .startsWith("rtc2sip.sip.destinations.sets.uk.probe.timeout: 20000 ms must be"));
    assertEquals("rtc2sip.sip.destinations.routes[0]: give exactly one of prefix, pattern, uids",
        error("""
        sets { uk { servers = [ { uri = "sip:10.0.0.5" } ] } }
        routes = [ { prefix = "+1", uids = "a.*", set = "uk" } ]"""));
    assertTrue(error("""
        sets { uk { servers = [ { uri = "sip:10.0.0.5" } ] } }
        routes = [ { pattern = "(", set = "uk" } ]""")
        .startsWith("rtc2sip.sip.destinations.routes[0].pattern: not a regular expression"));
    assertThrows(IllegalArgumentException.class,
        () -> DestinationSettings.fromConfig(config(""), "not a uri"));
    // failing over from a TLS server to one in clear would send the offer's SRTP keys in clear
    assertTrue(error("sets { uk { servers = [ { uri = \"sip:10.0.0.5;transport=tls\" },"
        + " { uri = \"sip:10.0.0.6\" } ] } }")
        .startsWith("rtc2sip.sip.destinations.sets.uk.servers: some are reached over TLS"));
    DestinationSettings.fromConfig(config("sets { uk { servers = [ { uri = \"sips:10.0.0.5\" },"
        + " { uri = \"sip:10.0.0.6;transport=TLS\" } ] } }"), "");
  }
}
