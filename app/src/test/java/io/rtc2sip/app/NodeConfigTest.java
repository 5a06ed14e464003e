package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsRunASingleLocalNodeWithAnEmbeddedDatabase() {
    Config c = NodeConfig.load(Map.of(), ConfigFactory.empty());
    assertEquals("local", c.getString("rtc2sip.profile"));
    assertEquals("", c.getString("rtc2sip.db.url"));
    assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25520, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals("cluster", c.getString("pekko.actor.provider"));
    assertEquals("eventsourced", c.getString("pekko.cluster.sharding.remember-entities-store"));
    assertEquals("jackson-cbor", c.getString("pekko.actor.serialization-bindings.\"io.rtc2sip.actors.CborSerializable\""));
  }

  @Test
  void nodeAddressFlowsIntoRemotingAndManagement() {
    Config c =
        NodeConfig.load(
            Map.of(),
            ConfigFactory.parseMap(Map.of("rtc2sip.node.host", "127.0.0.2", "rtc2sip.node.port", 25999)));
    assertEquals("127.0.0.2", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("127.0.0.2", c.getString("pekko.remote.artery.bind.hostname"));
    assertEquals(25999, c.getInt("pekko.remote.artery.bind.port"));
    assertEquals("127.0.0.2", c.getString("pekko.management.http.hostname"));
    assertEquals("127.0.0.2", c.getString("rtc2sip.sip.host"));
  }

  @Test
  void k8sProfileBindsAllInterfacesAndUsesKubernetesDiscovery() {
    Config c = NodeConfig.load(Map.of("RTC2SIP_PROFILE", "k8s"), ConfigFactory.empty());
    assertEquals("0.0.0.0", c.getString("pekko.remote.artery.bind.hostname"));
    assertEquals("kubernetes-api",
        c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
  }

  @Test
  void operatorFileOverridesTheDefaults() throws Exception {
    Path f = dir.resolve("site.conf");
    Files.writeString(f, "rtc2sip.sip.port = 5999\nrtc2sip.db.url = \"jdbc:postgresql://db:5432/rtc2sip\"\n");
    Config c = NodeConfig.load(Map.of("RTC2SIP_CONFIG", f.toString()), ConfigFactory.empty());
    assertEquals(5999, c.getInt("rtc2sip.sip.port"));
    assertEquals("jdbc:postgresql://db:5432/rtc2sip", c.getString("rtc2sip.db.url"));
  }

  @Test
  void badProfileOrMissingFileIsAClearError() {
    var e1 = assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(Map.of("RTC2SIP_PROFILE", "prod"), ConfigFactory.empty()));
    assertTrue(e1.getMessage().contains("unknown profile 'prod'"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(Map.of("RTC2SIP_CONFIG", dir.resolve("nope.conf").toString()), ConfigFactory.empty()));
    assertTrue(e2.getMessage().contains("not a readable file"), e2.getMessage());
  }
}
