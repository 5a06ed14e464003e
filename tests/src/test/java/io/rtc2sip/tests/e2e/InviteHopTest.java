package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway node processes on one journal; every SIP caller reaches node a, as behind a front
 * or PBX that spreads INVITEs over the nodes, and the calls run wherever sharding puts them.
 * Calls that run on node b must be answered by node b (node a passes the INVITE on) with their
 * media between the caller and node b, and a CANCEL of such a call while it rings must end it.
 */
class InviteHopTest {
  private static final Pattern ANSWER_PORT = Pattern.compile(
      "SIP/2\\.0 200 OK.*?m=audio (\\d+) ", Pattern.DOTALL);
  private static final Pattern CONTACT_PORT = Pattern.compile(
      "SIP/2\\.0 (?:180|200) [^\\n]*\\n(?:[^\\n]+\\n)*?Contact: <sip:[^@>]+@127\\.0\\.0\\.1:(\\d+)");
  private static final int CALLS = 6;
  private static final int RTP_A = 30000;
  private static final int RTP_B = 32000;
  @TempDir static Path dir;
  private static EmbeddedDatabase db;
  private static NodeProcess a;
  private static NodeProcess b;
  private static int sipA;
  private static int sipB;
  private static int signalingA;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Path.of("target", "node-logs", "invite-hop");
    db = EmbeddedDatabase.start(dir.resolve("db"), 0);
    int clusterA = FreePorts.next();
    int clusterB = FreePorts.next();
    String seed = "pekko://rtc2sip@127.0.0.1:" + clusterA;
    sipA = Sipp.freeUdpPort();
    sipB = Sipp.freeUdpPort();
    signalingA = FreePorts.next();
    a = NodeProcess.start("node-a", "io.rtc2sip.app.Main",
        env("a", clusterA, seed, sipA, signalingA, RTP_A), logs);
    b = NodeProcess.start("node-b", "io.rtc2sip.app.Main",
        env("b", clusterB, seed, sipB, FreePorts.next(), RTP_B), logs);
    a.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
    b.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
    // the leader (a) moves b to Up: from then on shards are allocated to b too
    a.awaitLine(l -> l.contains("127.0.0.1:" + clusterB) && l.contains("to [Up]"),
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private static Map<String, String> env(String name, int clusterPort, String seed, int sipPort,
      int signalingPort, int rtpMin) {
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DB_URL", db.jdbcUrl());
    env.put("RTC2SIP_DATA_DIR", dir.resolve(name).toString());
    env.put("RTC2SIP_NODE_PORT", String.valueOf(clusterPort));
    env.put("RTC2SIP_SEED_NODES", seed);
    env.put("RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIP_PORT", String.valueOf(sipPort));
    env.put("RTC2SIP_SIGNALING_PORT", String.valueOf(signalingPort));
    env.put("RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_RTP_PORT_MIN", String.valueOf(rtpMin));
    env.put("RTC2SIP_RTP_PORT_MAX", String.valueOf(rtpMin + 1999));
    return env;
  }

  @Test
  void everyCallSentToOneNodeIsAnsweredWithMediaWhereItRuns() throws Exception {
    int onB = 0;
    for (int round = 0; round < 3 && onB == 0; round++) {
      ExecutorService pool = Executors.newFixedThreadPool(CALLS);
      try {
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
          String uid = "hop" + round + "-" + i;
          calls.add(pool.submit(() -> answeredCall(uid)));
        }
        for (Future<Integer> call : calls) {
          if (call.get(90, TimeUnit.SECONDS) == sipB) {
            onB++;
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertTrue(onB > 0, "no call ran on node b: the INVITEs were never passed on");
  }

  @Test
  void aCancelOfARingingCallRunningOnTheOtherNodeEndsIt() throws Exception {
    for (int i = 0; i < 12; i++) {
      String uid = "hopcancel" + i;
      try (SignalingCallsTest.Phone phone = new SignalingCallsTest.Phone(uid, signalingA);
          Sipp caller = Sipp.uac("uac_cancel", sipA, uid, 1000)) {
        String callId = phone.await("incoming-call", caller).get("callId").asText();
        JsonNode ended = phone.await("ended", caller);
        assertEquals(callId, ended.get("callId").asText());
        assertEquals(0, caller.await(30), "200 to the CANCEL, 487 to the INVITE: "
            + caller.where());
        if (node(caller.messages()) == sipB) {
          assertTrue(caller.messages().contains("SIP/2.0 487"), caller.where());
          return;
        }
      }
    }
    throw new AssertionError("no cancelled call rang from node b in 12 tries");
  }

  /**
   * One call from sipp to node a for {@code uid} (logged in at node a): answered, the caller's
   * RFC 4733 digits reach the user (the caller's RTP reached the node running the call), the
   * caller hangs up. Returns the SIP port of the node that answered (its Contact), whose RTP
   * range the answer's port must be in.
   */
  private static int answeredCall(String uid) throws Exception {
    try (SignalingCallsTest.Phone phone = new SignalingCallsTest.Phone(uid, signalingA);
        Sipp caller = Sipp.uac("uac_call_pcap", sipA, uid, 6000)) {
      String callId = phone.await("incoming-call", caller).get("callId").asText();
      phone.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}");
      assertEquals(callId, phone.await("answered", caller).get("callId").asText());
      StringBuilder digits = new StringBuilder();
      for (int d = 0; d < 4; d++) {
        digits.append(phone.await("dtmf", caller).get("digit").asText());
      }
      assertEquals("1234", digits.toString(), "the caller's RTP reached the call: "
          + caller.where());
      assertEquals("remote-hangup", phone.await("ended", caller).get("cause").asText());
      assertEquals(0, caller.await(40), caller.where());
      String messages = caller.messages();
      Matcher m = ANSWER_PORT.matcher(messages);
      assertTrue(m.find(), "no answer SDP: " + caller.where());
      int rtp = Integer.parseInt(m.group(1));
      int node = node(messages);
      int rtpMin = node == sipB ? RTP_B : RTP_A;
      assertTrue(rtp >= rtpMin && rtp < rtpMin + 2000, "the answer's RTP port " + rtp
          + " is of the node that answered (" + node + ")");
      return node;
    }
  }

  /** The SIP port of the node whose 180 or 200 the caller got (its Contact). */
  private static int node(String messages) {
    Matcher m = CONTACT_PORT.matcher(messages);
    assertTrue(m.find(), "no 180 or 200 with a Contact: " + messages);
    return Integer.parseInt(m.group(1));
  }
}
