package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.KamailioFront;
import io.rtc2sip.tests.support.NodeProcess;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway node processes on one journal behind the project's Kamailio front, sipp as the
 * far end of a call the gateway places and as the caller of one through the front. sipp sends
 * every response of its dialog to the address the dialog began at, as some real peers do: behind
 * the record-routing front that address is the front's. When the node holding both calls is
 * killed, the survivor's re-INVITE of each goes through the front (the dialog's route set, in the
 * order of our role in it) with the survivor's Contact, Via and RTP address and the o= line's
 * session id, sipp's 200 reaches the survivor and the ACK completes. The UAS then puts the call
 * on hold with a re-INVITE of its own to the survivor's Contact, answered there. sipp's BYE is
 * answered by the survivor, whether it goes to the survivor's new Contact (the UAS follows the
 * target refresh) or to the dead node's (the UAC keeps it, like sipp: the front sends it to a
 * live node): both calls end as hang-ups of the far end, not as lost dialogs. A call placed
 * through the front while a node is dead reaches the live node.
 */
class KamailioFrontFailoverTest {
  private static final Pattern CONTACT_PORT =
      Pattern.compile("Contact: <sip:[^@>]+@127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern ROUTE = Pattern.compile("(?m)^Route:");
  private static final Pattern ORIGIN = Pattern.compile("o=rtc2sip (\\d+) (\\d+) ");
  private static final Pattern MEDIA = Pattern.compile("m=audio (\\d+) ");
  /** The RTP ranges of the nodes (RTC2SIP_RTP_PORT_MIN, 2,000 ports each). */
  private static final int RTP_A = 30000;
  private static final int RTP_B = 32000;
  /** The failover takes ~10 s today (failure detection, downing, shard hand-over): generous. */
  private static final Duration FAILOVER = Duration.ofSeconds(90);
  @TempDir Path dir;

  @Test
  void aCallOfAKilledNodeGoesOnThroughTheFrontAndEndsCleanly() throws Exception {
    Path logs = Path.of("target", "node-logs", "kamailio-front");
    // two nodes: the split-brain resolver (keep-majority) keeps the side with the lowest address
    // when one of two is lost, so node b, which survives, has the lower cluster port (and seeds)
    int one = FreePorts.next();
    int two = FreePorts.next();
    int clusterA = Math.max(one, two);
    int clusterB = Math.min(one, two);
    String seed = "pekko://rtc2sip@127.0.0.1:" + clusterB;
    int sipA = Sipp.freeUdpPort();
    int sipB = Sipp.freeUdpPort();
    int signalingB = FreePorts.next();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
        KamailioFront front = KamailioFront.start(List.of(sipA, sipB))) {
      Map<String, String> envA = env(db, "a", clusterA, seed, sipA, FreePorts.next(), front, 0);
      Map<String, String> envB = env(db, "b", clusterB, seed, sipB, signalingB, front, 1);
      try (NodeProcess a = NodeProcess.start("node-a", "io.rtc2sip.app.Main", envA, logs);
          NodeProcess b = NodeProcess.start("node-b", "io.rtc2sip.app.Main", envB, logs)) {
        a.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        b.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        try (SignalingCallsTest.Phone kim = new SignalingCallsTest.Phone("kim", signalingB);
            Call out = outboundCallOnNodeA(kim, sipA);
            Call in = inboundCallOnNodeA(kim, a, b, front)) {
          assertTrue(out.sipp.messages().contains("Record-Route: <sip:127.0.0.1:" + front.port),
              "the INVITE passed the front, which record-routed it: " + out.sipp.messages());

          long killed = System.nanoTime();
          a.kill();
          for (Call call : List.of(out, in)) {
            // the survivor re-anchors both calls
            awaitReinvite(call.sipp, FAILOVER);
            System.out.printf("%s: re-INVITE at sipp %d ms after SIGKILL (polled)%n", call.id,
                Duration.ofNanos(System.nanoTime() - killed).toMillis());
          }
          for (Call call : List.of(out, in)) {
            // its re-INVITE, through the front, carries its Contact
            String reinvite = reinvite(call.sipp.messages());
            assertTrue(reinvite.contains("Via: SIP/2.0/UDP 127.0.0.1:" + front.port),
                "the re-INVITE came through the front: " + reinvite);
            assertTrue(!ROUTE.matcher(reinvite).find(), "the front took its Route: " + reinvite);
            assertEquals(sipB, contactPort(reinvite), "new Contact of the survivor: " + reinvite);
            // new c=/m= on the survivor's RTP range; the o= line of the call's first SDP with
            // the same session id and a higher version
            long[] first = origin(call.sipp.messages());
            long[] again = origin(reinvite);
            assertEquals(first[0], again[0], "o= session id: " + reinvite);
            assertTrue(again[1] > first[1], "o= version grows: " + reinvite);
            int port = mediaPort(reinvite);
            assertTrue(port >= RTP_B && port < RTP_B + 2000, "RTP of node b: " + reinvite);
            // sipp's 200 reached the survivor (its ACK came), then sipp's BYE was answered 200
            assertEquals(0, call.sipp.await(120), call.sipp.where());
          }
          assertTrue(reinvite(out.sipp.messages()).contains("CSeq: 2 INVITE"));
          // the far end's own re-INVITE (hold) to the survivor's Contact was answered recvonly
          out.sipp.awaitAction("(recvonly)");
          JsonNode held = awaitNotification(kim, "held", out.sipp);
          assertEquals(out.id, held.get("callId").asText(), held.toString());
          assertEquals("sip", held.get("by").asText(), held.toString());
          // the caller kept sending to the dead node's Contact: the front sent its BYE to b
          front.awaitLog("in-dialog BYE for node sip:kim@127.0.0.1:" + sipA, FAILOVER);
          Set<String> ended = new HashSet<>();
          for (int i = 0; i < 2; i++) {
            JsonNode end = awaitNotification(kim, "ended", in.sipp);
            assertEquals("remote-hangup", end.get("cause").asText(), end.toString());
            ended.add(end.get("callId").asText());
          }
          assertEquals(Set.of(out.id, in.id), ended);

          // while node a is dead, a call through the front reaches node b
          front.awaitNodeDown(sipA, Duration.ofSeconds(30));
          try (Sipp caller = Sipp.uac("uac_call_pcap", front.port, "kim", 1000)) {
            JsonNode incoming = awaitNotification(kim, "incoming-call", caller);
            kim.request("{\"type\":\"answer\",\"callId\":\""
                + incoming.get("callId").asText() + "\"}");
            awaitNotification(kim, "ended", caller);
            assertEquals(0, caller.await(60), caller.where());
          }
        }
        b.terminate(Duration.ofSeconds(60));
      }
    }
  }

  /** A call with sipp as the SIP side. */
  private record Call(String id, Sipp sipp) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      sipp.close();
    }
  }

  /** A call from kim to a sipp UAS whose entity runs on node a (kim is connected to b). */
  private static Call outboundCallOnNodeA(SignalingCallsTest.Phone kim, int sipA)
      throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      Sipp uas = Sipp.uas("uas_reanchor_then_bye", 2000, "-timeout", "240");
      String id = kim.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + uas.port
          + "\"}").get("callId").asText();
      assertEquals(id, kim.await("answered", uas).get("callId").asText());
      if (contactPort(uas.messages()) == sipA) {
        return new Call(id, uas);
      }
      kim.request("{\"type\":\"hangup\",\"callId\":\"" + id + "\"}");
      kim.await("ended", uas);
      uas.close();
    }
    throw new AssertionError("no call from kim ran on node a in 10 tries");
  }

  /**
   * A call from a sipp UAC through the front to kim whose INVITE the front sent to node a and
   * whose entity runs there. (A call whose INVITE reached one node while its entity runs on the
   * other cannot be answered today: the entity's answer goes to its own node's SIP adapter; such
   * attempts are rejected and another call is placed.)
   */
  private static Call inboundCallOnNodeA(SignalingCallsTest.Phone kim, NodeProcess a,
      NodeProcess b, KamailioFront front) throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      // its BYE goes 4 s after the survivor's re-INVITE, when the front has surely probed the
      // dead node out (a probe a second, given up after 2 s): a call recovered faster than that
      // (0.4 s once) would have the BYE meet the front before it knows
      Sipp uac = Sipp.uac("uac_reanchored_then_bye", front.port, "kim", 4000, "-timeout", "240");
      String id = kim.await("incoming-call", uac).get("callId").asText();
      boolean inviteOnA = onA(a, b, "InboundInvites [" + id + "] INVITE from");
      boolean entityOnA = onA(a, b, "CallEntity [" + id + "] incoming call");
      if (inviteOnA && entityOnA) {
        kim.request("{\"type\":\"answer\",\"callId\":\"" + id + "\"}");
        uac.awaitInLog("SIP/2.0 200 OK", 1);
        return new Call(id, uac);
      }
      kim.request("{\"type\":\"reject\",\"callId\":\"" + id + "\"}");
      kim.await("ended", uac);
      uac.close();
    }
    throw new AssertionError("no call to kim reached node a and ran there in 20 tries");
  }

  /** Whether node a logged {@code text} (true) or node b (false), within 10 s. */
  private static boolean onA(NodeProcess a, NodeProcess b, String text) {
    // the nodes' output: poll it
    return Until.value(Duration.ofSeconds(10), () -> {
      if (!a.linesMatching(l -> l.contains(text)).isEmpty()) {
        return true;
      }
      return b.linesMatching(l -> l.contains(text)).isEmpty() ? null : false;
    }, () -> "a node logging '" + text + "'");
  }

  /** The first re-INVITE sipp received (the second INVITE in its log), with its body. */
  private static String reinvite(String messages) {
    // the first INVITE in the dialog (its To has a tag): a retransmitted first INVITE has none
    for (int at = messages.indexOf("INVITE sip:"); at >= 0;
        at = messages.indexOf("INVITE sip:", at + 1)) {
      int end = messages.indexOf("-----------", at);
      String message = messages.substring(at, end < 0 ? messages.length() : end);
      if (message.lines().anyMatch(l -> l.startsWith("To:") && l.contains(";tag="))) {
        return message;
      }
    }
    throw new AssertionError("no re-INVITE: " + messages);
  }

  /** Session id and version of the first o= line of ours in {@code text}. */
  private static long[] origin(String text) {
    Matcher m = ORIGIN.matcher(text);
    assertTrue(m.find(), "no SDP of ours: " + text);
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  private static int mediaPort(String message) {
    Matcher m = MEDIA.matcher(message);
    assertTrue(m.find(), "no m= line: " + message);
    return Integer.parseInt(m.group(1));
  }

  private static int contactPort(String message) {
    Matcher m = CONTACT_PORT.matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static void awaitReinvite(Sipp sipp, Duration timeout) {
    Until.until(timeout, Until.checking(() -> sipp.messages().split("INVITE sip:", -1).length > 2),
        () -> "a re-INVITE: " + sipp.where());
  }

  /** A notification, waiting through the failover (the phone's reads time out after 30 s). */
  private static JsonNode awaitNotification(SignalingCallsTest.Phone phone, String type,
      Sipp peer) throws Exception {
    long deadline = System.nanoTime() + FAILOVER.toNanos();
    while (true) {
      try {
        return phone.await(type);
      } catch (SocketTimeoutException quiet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no " + type + " within " + FAILOVER + "; " + peer.where());
        }
      }
    }
  }

  private Map<String, String> env(EmbeddedDatabase db, String name, int clusterPort, String seed,
      int sipPort, int signalingPort, KamailioFront front, int index) {
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DB_URL", db.jdbcUrl());
    env.put("RTC2SIP_DATA_DIR", dir.resolve(name).toString());
    env.put("RTC2SIP_NODE_PORT", String.valueOf(clusterPort));
    env.put("RTC2SIP_SEED_NODES", seed);
    env.put("RTC2SIP_SBR_STABLE_AFTER", "2s");
    env.put("RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIP_PORT", String.valueOf(sipPort));
    env.put("RTC2SIP_SIGNALING_PORT", String.valueOf(signalingPort));
    env.put("RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(FreePorts.next()));
    int rtp = index == 0 ? RTP_A : RTP_B;
    env.put("RTC2SIP_RTP_PORT_MIN", String.valueOf(rtp));
    env.put("RTC2SIP_RTP_PORT_MAX", String.valueOf(rtp + 1999));
    env.put("RTC2SIP_SIP_OUTBOUND_PROXY", front.uri());
    return env;
  }
}
