package io.rtc2sip.tests.failover;

import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.KamailioFront;
import io.rtc2sip.tests.support.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gateway node processes on one journal database behind the project's Kamailio front
 * (kamailio/), as the docs deploy them, on loopback: each node with its own ports, every node a
 * seed, outbound calls through the front. Used by the failover test and the failover bench.
 */
final class GatewayCluster implements AutoCloseable {
  /** One node's process and its ports. */
  record Node(String name, NodeProcess process, int clusterPort, int sipPort, int signalingPort,
      int rtcPort, int httpPort, int managementPort) {
    String address() {
      return "pekko://rtc2sip@127.0.0.1:" + clusterPort;
    }

    String signaling() {
      return "127.0.0.1:" + signalingPort;
    }

    /** Whether this node's log names the call (its entity ran here at some time). */
    boolean ran(String callId) {
      return !process.linesMatching(l -> l.contains("[" + callId + "]")).isEmpty();
    }
  }

  private final Path dir;
  private EmbeddedDatabase db;
  private final int dbPort;
  final KamailioFront front;
  final List<Node> nodes = new ArrayList<>();

  private GatewayCluster(Path dir, EmbeddedDatabase db, KamailioFront front) {
    this.dir = dir;
    this.db = db;
    this.dbPort = db.port();
    this.front = front;
  }

  /** Stops the journal database (as a crash of its server would, to the nodes). */
  void stopDatabase() {
    db.close();
  }

  /** Starts the journal database again on its port and data. */
  void startDatabase() throws IOException {
    db = EmbeddedDatabase.start(dir.resolve("db"), dbPort);
  }

  /** Starts the database, the front and {@code count} nodes; returns once all are up. */
  static GatewayCluster start(Path dir, int count, Path logs) throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
    List<Integer> sip = new ArrayList<>();
    List<Integer> cluster = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sip.add(Sipp.freeUdpPort());
      cluster.add(FreePorts.next());
    }
    KamailioFront front;
    try {
      front = KamailioFront.start(sip);
    } catch (Exception | Error e) {
      db.close();
      throw e;
    }
    GatewayCluster c = new GatewayCluster(dir, db, front);
    try {
      String seeds = cluster.stream().map(p -> "pekko://rtc2sip@127.0.0.1:" + p)
          .collect(Collectors.joining(","));
      for (int i = 0; i < count; i++) {
        c.nodes.add(c.startNode(dir, logs, i, cluster.get(i), sip.get(i), seeds));
        // the first seed forms the cluster; the others join it in order
        c.nodes.get(i).process().awaitLine(l -> l.contains("rtc2sip node up"),
            Duration.ofSeconds(120));
      }
      c.awaitMembersUp(count, Duration.ofSeconds(60));
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private Node startNode(Path dir, Path logs, int i, int clusterPort, int sipPort, String seeds)
      throws IOException {
    int signaling = FreePorts.next();
    int rtc = FreePorts.next();
    int http = FreePorts.next();
    int management = FreePorts.next();
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DB_URL", db.jdbcUrl());
    env.put("RTC2SIP_DATA_DIR", dir.resolve("node-" + i).toString());
    env.put("RTC2SIP_NODE_PORT", String.valueOf(clusterPort));
    env.put("RTC2SIP_SEED_NODES", seeds);
    env.put("RTC2SIP_MANAGEMENT_PORT", String.valueOf(management));
    env.put("RTC2SIP_HTTP_PORT", String.valueOf(http));
    env.put("RTC2SIP_SIP_PORT", String.valueOf(sipPort));
    env.put("RTC2SIP_SIGNALING_PORT", String.valueOf(signaling));
    env.put("RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(rtc));
    env.put("RTC2SIP_RTP_PORT_MIN", String.valueOf(42000 + 2000 * i));
    env.put("RTC2SIP_RTP_PORT_MAX", String.valueOf(43999 + 2000 * i));
    env.put("RTC2SIP_WEBRTC_PORT_MIN", String.valueOf(48000 + 500 * i));
    env.put("RTC2SIP_WEBRTC_PORT_MAX", String.valueOf(48499 + 500 * i));
    env.put("RTC2SIP_SIP_OUTBOUND_PROXY", front.uri());
    NodeProcess p = NodeProcess.start("node-" + i, "io.rtc2sip.app.Main", env, logs);
    return new Node("node-" + i, p, clusterPort, sipPort, signaling, rtc, http, management);
  }

  /** Every node's signaling address, starting with node {@code first}'s, comma-separated. */
  String signalingList(int first) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      list.add(nodes.get((first + i) % nodes.size()).signaling());
    }
    return String.join(",", list);
  }

  /** The nodes still running. */
  List<Node> live() {
    return nodes.stream().filter(n -> n.process().isAlive()).toList();
  }

  /** GET on a live node's operator HTTP (loopback: no credentials needed). */
  String get(Node node, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " on " + node.name() + ": " + r.statusCode()
          + " " + r.body());
    }
    return r.body();
  }

  /** A value of the live node's /metrics (the first sample named exactly so). */
  double metric(Node node, String sample) throws IOException, InterruptedException {
    return get(node, "/metrics").lines().filter(l -> l.startsWith(sample + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
        .findFirst().orElseThrow(() -> new AssertionError("no metric " + sample));
  }

  /** Polls the node's metric until it is {@code value}. */
  void awaitMetric(Node node, String sample, double value, Duration timeout) {
    double[] now = {Double.NaN};
    Until.until(timeout, Until.checking(() -> (now[0] = metric(node, sample)) == value),
        () -> sample + " is " + now[0] + ", not " + value);
  }

  /** Waits until a live node's management view shows {@code count} members up. */
  void awaitMembersUp(int count, Duration timeout) {
    String[] members = {""};
    Until.until(timeout, Until.checking(() -> {
      Node n = live().get(0);
      try {
        members[0] = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.managementPort()
                + "/cluster/members")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return members[0].split("\"status\":\"Up\"", -1).length - 1 >= count;
      } catch (IOException notYet) {
        members[0] = notYet.toString();
        return false;
      }
    }), () -> count + " members up: " + members[0]);
  }

  @Override
  public void close() throws Exception {
    for (Node n : nodes) {
      n.process().close();
    }
    front.close();
    db.close();
  }
}
