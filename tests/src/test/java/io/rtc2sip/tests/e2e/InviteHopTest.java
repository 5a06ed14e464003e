package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.ClusterCalls;
import io.rtc2sip.tests.support.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SIP caller reaches one node of two, as behind a front or PBX that spreads INVITEs; the
 * calls run wherever sharding puts them. Calls that run on the other node must be answered by
 * that node (the first node passes the INVITE on) with their media between the caller and the
 * node running the call, and a CANCEL of such a call while it rings must end it.
 */
class InviteHopTest {
  private static final Pattern ANSWER_PORT = Pattern.compile(
      "SIP/2\\.0 200 OK.*?m=audio (\\d+) ", Pattern.DOTALL);
  private static final int CALLS = 6;
  @TempDir static Path dir;
  private static EmbeddedDatabase db;
  private static TestNode a;
  private static TestNode b;

  @BeforeAll
  static void start() throws Exception {
    db = EmbeddedDatabase.start(dir.resolve("db"), 0);
    a = TestNode.start(dir, db, Sipp.freeUdpPort(), Map.of());
    b = TestNode.start(dir, db, Sipp.freeUdpPort(),
        Map.of("rtc2sip.cluster.seed-nodes", a.address()));
    awaitUp(a, 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) {
      b.stopNode();
    }
    if (a != null) {
      a.stopNode();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void everyCallSentToOneNodeIsAnsweredWithMediaWhereItRuns() throws Exception {
    int onB = 0;
    for (int round = 0; round < 3 && onB == 0; round++) {
      ExecutorService pool = Executors.newFixedThreadPool(CALLS);
      try {
        List<Future<TestNode>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
          String uid = "hop" + round + "-" + i;
          calls.add(pool.submit(() -> answeredCall(uid)));
        }
        for (Future<TestNode> call : calls) {
          if (call.get(90, TimeUnit.SECONDS) == b) {
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
    ClusterCalls calls = new ClusterCalls(a.sharding());
    String bSip = "127.0.0.1:" + b.sipPort;
    for (int i = 0; i < 12; i++) {
      String uid = "hopcancel" + i;
      try (SignalingCallsTest.Phone phone = new SignalingCallsTest.Phone(uid, a.signalingPort);
          Sipp caller = Sipp.uac("uac_cancel", a.sipPort, uid, 1000)) {
        String callId = phone.await("incoming-call", caller).get("callId").asText();
        JsonNode ended = phone.await("ended", caller);
        assertEquals(callId, ended.get("callId").asText());
        assertEquals(0, caller.await(30), "200 to the CANCEL, 487 to the INVITE: "
            + caller.where());
        String ranOn = calls.view(callId).sipAddress();
        if (bSip.equals(ranOn)) {
          assertTrue(caller.messages().contains("SIP/2.0 487"), caller.where());
          return;
        }
      }
    }
    throw new AssertionError("no cancelled call ran on node b in 12 tries");
  }

  /**
   * One call from sipp to node a for {@code uid} (logged in at node a): answered, the caller's
   * RFC 4733 digits reach the user (the caller's RTP reached the node running the call), the
   * caller hangs up. Returns the node whose RTP port the answer named.
   */
  private static TestNode answeredCall(String uid) throws Exception {
    try (SignalingCallsTest.Phone phone = new SignalingCallsTest.Phone(uid, a.signalingPort);
        Sipp caller = Sipp.uac("uac_call_pcap", a.sipPort, uid, 6000)) {
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
      Matcher m = ANSWER_PORT.matcher(caller.messages());
      assertTrue(m.find(), "no answer SDP: " + caller.where());
      int port = Integer.parseInt(m.group(1));
      TestNode runs = new ClusterCalls(a.sharding()).view(callId).sipAddress()
          .equals("127.0.0.1:" + b.sipPort) ? b : a;
      assertTrue(port >= runs.rtpMin && port < runs.rtpMin + 40, "the answer's RTP port " + port
          + " is of the node running the call (" + runs.sipPort + ")");
      return runs;
    }
  }

  private static void awaitUp(TestNode node, int members) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      long up = 0;
      for (var m : Cluster.get(node.node.system()).state().getMembers()) {
        if (m.status() == MemberStatus.up()) {
          up++;
        }
      }
      if (up >= members) {
        return;
      }
      Thread.sleep(100); // membership gossip: poll
    }
    throw new AssertionError(members + " members not up within 30 s");
  }
}
