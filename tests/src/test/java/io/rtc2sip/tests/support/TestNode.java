package io.rtc2sip.tests.support;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.app.GatewayNode;
import io.rtc2sip.app.NodeConfig;
import io.rtc2sip.app.NodeServices;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.testkit.Until;
import java.time.Duration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A complete gateway node in the test JVM, as production runs it (entities on an embedded
 * PostgreSQL, media bridge, SIP adapter, signaling, HTTP), on free loopback ports.
 */
public final class TestNode implements AutoCloseable {
  public final EmbeddedDatabase database;
  public final GatewayNode node;
  public final int sipPort;
  public final int signalingPort;
  public final int httpPort;
  public final int rtcPort;
  public final int rtpMin;

  private TestNode(EmbeddedDatabase database, GatewayNode node, int sipPort, int signalingPort,
      int httpPort, int rtcPort, int rtpMin) {
    this.rtcPort = rtcPort;
    this.rtpMin = rtpMin;
    this.database = database;
    this.node = node;
    this.sipPort = sipPort;
    this.signalingPort = signalingPort;
    this.httpPort = httpPort;
  }

  /** Waits until this node sees {@code members} members up (membership is gossiped: polled). */
  public void awaitUp(int members) {
    Until.until(Duration.ofSeconds(30), () -> up() >= members,
        () -> members + " members up, are " + up());
  }

  private long up() {
    long up = 0;
    for (var m : Cluster.get(node.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  /** Starts a node under {@code dir}; {@code settings} override the defaults (timers...). */
  public static TestNode start(Path dir, int sipPort, Map<String, Object> settings)
      throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
    try {
      return start(dir, db, sipPort, settings);
    } catch (Exception e) {
      db.close();
      throw e;
    }
  }

  /** A node on an existing database (several nodes of one cluster share it). */
  public static TestNode start(Path dir, EmbeddedDatabase db, int sipPort,
      Map<String, Object> settings) throws Exception {
    int signaling = FreePorts.next();
    int http = FreePorts.next();
    int rtp = 42000 + (int) ((ProcessHandle.current().pid() + sipPort) % 200) * 40;
    int rtcPort = FreePorts.next();
    Map<String, Object> all = new HashMap<>(Map.of(
        "rtc2sip.db.url", db.jdbcUrl(),
        "rtc2sip.data-dir", dir.resolve("node-" + sipPort).toString(),
        "rtc2sip.node.port", FreePorts.next(),
        "pekko.management.http.port", FreePorts.next(),
        "rtc2sip.http.port", http,
        "rtc2sip.sip.port", sipPort,
        "rtc2sip.signaling.port", signaling,
        "rtc2sip.media.port-min", rtp,
        "rtc2sip.media.port-max", rtp + 39,
        "pekko.coordinated-shutdown.exit-jvm", "off"));
    all.put("rtc2sip.rtc.loopback.port", rtcPort);
    int webrtc = 51000 + (int) ((ProcessHandle.current().pid() + sipPort) % 200) * 20;
    all.put("rtc2sip.webrtc.port-min", webrtc);
    all.put("rtc2sip.webrtc.port-max", webrtc + 19);
    all.putAll(settings);
    GatewayNode node = GatewayNode.start(
        NodeConfig.load(Map.of(), ConfigFactory.parseMap(all)), NodeServices::start);
    return new TestNode(db, node, sipPort, signaling, http, rtcPort, rtp);
  }

  public ClusterSharding sharding() {
    return ClusterSharding.get(node.system());
  }

  public String address() {
    return node.system().address().toString();
  }

  /** Stops the node (and the database, when this node started it alone). */
  @Override
  public void close() {
    node.close();
    database.close();
  }

  /** Stops the node only. */
  public void stopNode() {
    node.close();
  }
}
