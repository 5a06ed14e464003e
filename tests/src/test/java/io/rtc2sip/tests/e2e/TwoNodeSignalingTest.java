package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one cluster: a user connected to node B places calls that the cluster runs on
 * either node; every notification reaches the user's connection on B, also those from calls
 * running on A (forwarded between the nodes' signaling routers).
 */
class TwoNodeSignalingTest {
  private static final Pattern MEDIA_PORT = Pattern.compile("m=audio (\\d+) ");
  @TempDir Path dir;

  @Test
  void notificationsFollowTheUserToItsNode() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0)) {
      TestNode a = TestNode.start(dir, db, Sipp.freeUdpPort(), Map.of());
      TestNode b = null;
      try {
        String seed = a.address();
        b = TestNode.start(dir, db, Sipp.freeUdpPort(),
            Map.of("rtc2sip.cluster.seed-nodes", seed));
        b.awaitUp(2);
        int onA = 0;
        String callOnA = null;
        try (SignalingCallsTest.Phone judy = new SignalingCallsTest.Phone("judy",
            b.signalingPort)) {
          for (int i = 0; i < 6 && onA == 0; i++) {
            try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
              String callId = judy.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:"
                  + uas.port + "\"}").get("callId").asText();
              JsonNode answered = judy.await("answered");
              assertEquals(callId, answered.get("callId").asText());
              if (servedBy(uas, a)) {
                onA++;
                callOnA = callId;
              }
              judy.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
              assertEquals("local-hangup", judy.await("ended").get("cause").asText());
              uas.assertByeAnswered();
            }
          }
        }
        assertTrue(onA > 0, "no call ran on node a in 6 tries: the cross-node path was not used");
        // the dashboard of node b shows the whole cluster: both members, shards on both, and
        // the SIP messages of a call that ran on node a
        JsonNode picture = firstDashboardEvent(b.httpPort);
        assertEquals(2, picture.get("members").size(), picture.toString());
        java.util.Set<String> shardNodes = new java.util.HashSet<>();
        picture.get("shards").forEach(r -> shardNodes.add(r.get("node").asText()));
        assertEquals(java.util.Set.of(a.address(), b.address()), shardNodes, picture.toString());
        String trace = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + b.httpPort + "/api/calls/" + callOnA + "/sip")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(trace.contains("\"node\":\"" + a.address() + "\"")
            && trace.contains("INVITE sip:uas@127.0.0.1"), trace);
      } finally {
        if (b != null) {
          b.stopNode();
        }
        a.stopNode();
      }
    }
  }

  /** The first picture the dashboard of the node on {@code httpPort} sends (server-sent event). */
  private static JsonNode firstDashboardEvent(int httpPort) throws Exception {
    java.net.http.HttpResponse<java.io.InputStream> events =
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + httpPort + "/dashboard/events"))
                .timeout(Duration.ofSeconds(20)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
        events.body(), java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("data:")) {
          return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring(5));
        }
      }
    }
    throw new AssertionError("the dashboard sent no event");
  }

  /** Whether the call's media (the port in our SDP offer) came from node {@code n}'s range. */
  private static boolean servedBy(Sipp uas, TestNode n) throws Exception {
    Matcher m = MEDIA_PORT.matcher(uas.messages());
    if (!m.find()) {
      return false;
    }
    int port = Integer.parseInt(m.group(1));
    return port >= n.rtpMin && port < n.rtpMin + 40;
  }

}
