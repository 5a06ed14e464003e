package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.TestNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrent-call limit holds across the cluster: a user whose two calls run on two
 * different nodes is refused a third, wherever that one would run, and gets it once one of the
 * two ended. The far end is a UDP socket that never answers: its INVITEs tell which node sent
 * them (Via), and the calls stay Dialing.
 */
class TwoNodeDialPlanTest {
  private static final Pattern VIA_PORT = Pattern.compile("Via: SIP/2.0/UDP [^:;]+:(\\d+)");
  private static final Pattern CALL_ID = Pattern.compile("Call-ID: (\\S+)");
  @TempDir Path dir;

  /** Which node's SIP port sent the INVITE of each call, as the trap saw them. */
  private final Map<String, Integer> sentBy = new HashMap<>();

  @Test
  void twoCallsOnTwoNodesAreTheUsersLimit() throws Exception {
    Map<String, Object> settings = Map.of(
        "rtc2sip.dial-plan.default.max-concurrent-calls", 2,
        "rtc2sip.call.cancel-timeout", "1s");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
        DatagramSocket trap = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      TestNode a = TestNode.start(dir, db, Sipp.freeUdpPort(), settings);
      TestNode b = null;
      try {
        Map<String, Object> bSettings = new HashMap<>(settings);
        bSettings.put("rtc2sip.cluster.seed-nodes", a.address());
        b = TestNode.start(dir, db, Sipp.freeUdpPort(), bSettings);
        b.awaitUp(2);
        String to = "sip:nobody@127.0.0.1:" + trap.getLocalPort();
        try (SignalingCallsTest.Phone kim = new SignalingCallsTest.Phone("kim",
            b.signalingPort)) {
          String first = place(kim, to);
          int firstNode = nodeOf(trap, first);
          String second = null;
          for (int i = 0; i < 10 && second == null; i++) {
            String next = place(kim, to);
            if (nodeOf(trap, next) != firstNode) {
              second = next;
            } else {
              hangUp(kim, next); // the same node as the first: try again
            }
          }
          assertTrue(second != null, "no call ran on the other node in 10 tries");
          assertTrue(java.util.Set.of(a.sipPort, b.sipPort).contains(firstNode));

          JsonNode third = kim.request("{\"type\":\"call\",\"to\":\"" + to + "\"}");
          assertEquals("too-many-calls", third.path("code").asText(), third.toString());

          hangUp(kim, first);
          JsonNode fourth = retryWhileTooMany(kim, to);
          assertEquals("result", fourth.get("type").asText(), fourth.toString());
        }
      } finally {
        if (b != null) {
          b.stopNode();
        }
        a.stopNode();
      }
    }
  }

  private static String place(SignalingCallsTest.Phone phone, String to) throws Exception {
    JsonNode r = phone.request("{\"type\":\"call\",\"to\":\"" + to + "\"}");
    assertEquals("result", r.get("type").asText(), r.toString());
    return r.get("callId").asText();
  }

  /** Hangs up a call that is still dialing: CANCEL, unanswered, ends it after cancel-timeout. */
  private static void hangUp(SignalingCallsTest.Phone phone, String callId) throws Exception {
    phone.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
    JsonNode ended;
    do {
      ended = phone.await("ended");
    } while (!callId.equals(ended.get("callId").asText()));
  }

  /** The user session hears of an end just after the client: retry for a few seconds. */
  private static JsonNode retryWhileTooMany(SignalingCallsTest.Phone phone, String to)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    JsonNode r;
    do {
      r = phone.request("{\"type\":\"call\",\"to\":\"" + to + "\"}");
    } while ("too-many-calls".equals(r.path("code").asText()) && System.nanoTime() < deadline);
    return r;
  }

  /** The SIP port of the node that sent {@code callId}'s INVITE to the trap. */
  private int nodeOf(DatagramSocket trap, String callId) throws Exception {
    String sipCallId = CallIds.sipCallIdFor(callId);
    trap.setSoTimeout(10_000);
    byte[] buf = new byte[8192];
    while (!sentBy.containsKey(sipCallId)) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        trap.receive(p);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no INVITE for " + callId + " within 10 s", e);
      }
      String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
      if (msg.startsWith("INVITE ")) {
        Matcher via = VIA_PORT.matcher(msg);
        Matcher id = CALL_ID.matcher(msg);
        if (via.find() && id.find()) {
          sentBy.putIfAbsent(id.group(1), Integer.parseInt(via.group(1)));
        }
      }
    }
    return sentBy.get(sipCallId);
  }

}
