package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.KamailioFront;
import io.rtc2sip.tests.support.NodeProcess;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway node processes on one journal behind the project's Kamailio front, sipp as the
 * far end. sipp sends every response of its dialog to the address the dialog began at, as some
 * real peers do: behind the record-routing front that address is the front's, so when the node
 * holding a call is killed, the survivor's re-INVITE goes through the front (route set), sipp's
 * 200 reaches the survivor, the ACK completes, and sipp's later BYE to the survivor's new Contact
 * is answered by the survivor: the call ends as a hang-up of the far end, not as a lost dialog.
 * A call placed through the front while a node is dead reaches the live node.
 */
class KamailioFrontFailoverTest {
  private static final Pattern CONTACT_PORT =
      Pattern.compile("Contact: <sip:[^@>]+@127\\.0\\.0\\.1:(\\d+)");
  /** The failover takes ~10 s today (failure detection, downing, shard hand-over): generous. */
  private static final Duration FAILOVER = Duration.ofSeconds(90);
  @TempDir Path dir;

  @Test
  void aCallOfAKilledNodeGoesOnThroughTheFrontAndEndsCleanly() throws Exception {
    Path logs = Path.of("target", "node-logs", "kamailio-front");
    int clusterA = FreePorts.next();
    String seed = "pekko://rtc2sip@127.0.0.1:" + clusterA;
    int sipA = Sipp.freeUdpPort();
    int sipB = Sipp.freeUdpPort();
    int signalingB = FreePorts.next();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0);
        KamailioFront front = KamailioFront.start(List.of(sipA, sipB))) {
      Map<String, String> envA = env(db, "a", clusterA, seed, sipA, FreePorts.next(), front, 0);
      Map<String, String> envB = env(db, "b", FreePorts.next(), seed, sipB, signalingB, front, 1);
      try (NodeProcess a = NodeProcess.start("node-a", "io.rtc2sip.app.Main", envA, logs);
          NodeProcess b = NodeProcess.start("node-b", "io.rtc2sip.app.Main", envB, logs)) {
        a.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        b.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        try (SignalingCallsTest.Phone kim = new SignalingCallsTest.Phone("kim", signalingB)) {
          // a call that runs on node a (the user is connected to b, which survives)
          Sipp farEnd = null;
          String callId = null;
          for (int attempt = 0; attempt < 10 && farEnd == null; attempt++) {
            Sipp uas = Sipp.uas("uas_reanchor_then_bye", 2000, "-timeout", "240");
            callId = kim.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + uas.port
                + "\"}").get("callId").asText();
            assertEquals(callId, kim.await("answered", uas).get("callId").asText());
            if (contactPort(uas.messages()) == sipA) {
              farEnd = uas;
            } else {
              kim.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
              kim.await("ended", uas);
              uas.close();
            }
          }
          assertTrue(farEnd != null, "no call ran on node a in 10 tries");
          try (Sipp uas = farEnd) {
            String invite = uas.messages();
            assertTrue(invite.contains("Record-Route: <sip:127.0.0.1:" + front.port),
                "the INVITE passed the front, which record-routed it: " + invite);

            a.kill();
            // the survivor re-anchors: its re-INVITE, through the front, carries its Contact
            awaitReinvite(uas, FAILOVER);
            String reinvite = reinvite(uas.messages());
            assertTrue(reinvite.contains("Via: SIP/2.0/UDP 127.0.0.1:" + front.port),
                "the re-INVITE came through the front: " + reinvite);
            assertEquals(sipB, contactPort(reinvite), "new Contact of the survivor: " + reinvite);
            assertTrue(reinvite.contains("CSeq: 2 INVITE"), reinvite);
            // sipp's 200 reached the survivor (its ACK came), then sipp's BYE was answered 200
            assertEquals(0, uas.await(120), uas.where());
            JsonNode ended = awaitNotification(kim, "ended", uas);
            assertEquals(callId, ended.get("callId").asText());
            assertEquals("remote-hangup", ended.get("cause").asText(), ended.toString());
          }

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

  /** The first re-INVITE sipp received (an INVITE with a To-tag). */
  private static String reinvite(String messages) {
    int at = messages.indexOf("INVITE sip:");
    at = messages.indexOf("INVITE sip:", at + 1);
    assertTrue(at > 0, "no re-INVITE: " + messages);
    int end = messages.indexOf("\n\n", at);
    return messages.substring(at, end < 0 ? messages.length() : end);
  }

  private static int contactPort(String message) {
    Matcher m = CONTACT_PORT.matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static void awaitReinvite(Sipp sipp, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (sipp.messages().split("INVITE sip:", -1).length > 2) {
        return;
      }
      Thread.sleep(100); // another process's log: poll it
    }
    throw new AssertionError("no re-INVITE within " + timeout + ": " + sipp.where());
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
    env.put("RTC2SIP_RTP_PORT_MIN", String.valueOf(30000 + 2000 * index));
    env.put("RTC2SIP_RTP_PORT_MAX", String.valueOf(31999 + 2000 * index));
    env.put("RTC2SIP_SIP_OUTBOUND_PROXY", front.uri());
    return env;
  }
}
