package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.TestNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call signals end to end: a client on the signaling protocol (TCP) through a real node to
 * real SIPp peers and back.
 */
class SignalingCallsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Tokens TOKENS =
      new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.systemUTC());
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of("rtc2sip.call.no-answer-timeout", "4s"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** A signaling client over TCP. */
  static final class Phone implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<JsonNode> seen = new ArrayList<>();
    private int ids;

    Phone(String uid) throws Exception {
      this(uid, node.signalingPort);
    }

    Phone(String uid, int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      out = socket.getOutputStream();
      JsonNode r = request("{\"type\":\"login\",\"uid\":\"" + uid + "\",\"token\":\""
          + TOKENS.issue(uid, Duration.ofMinutes(5)) + "\"}");
      assertEquals("result", r.get("type").asText(), r.toString());
    }

    JsonNode request(String json) throws Exception {
      String id = "r" + (++ids);
      send(json.replaceFirst("\\{", "{\"id\":\"" + id + "\","));
      return until(n -> id.equals(n.path("id").asText()));
    }

    void send(String json) throws Exception {
      out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    JsonNode await(String type) throws Exception {
      return until(n -> type.equals(n.path("type").asText()));
    }

    /** Awaits {@code type}, saying what became of the SIP peer if it never comes. */
    JsonNode await(String type, Sipp peer) throws Exception {
      try {
        return await(type);
      } catch (java.net.SocketTimeoutException timeout) {
        throw new AssertionError("no " + type + " within 30 s; seen " + seen + "; "
            + peer.where(), timeout);
      }
    }

    private JsonNode until(java.util.function.Predicate<JsonNode> match) throws Exception {
      for (int i = 0; i < seen.size(); i++) {
        if (match.test(seen.get(i))) {
          return seen.remove(i);
        }
      }
      while (true) {
        String line = in.readLine();
        if (line == null) {
          throw new AssertionError("connection closed; seen " + seen);
        }
        JsonNode n = JSON.readTree(line);
        if (match.test(n)) {
          return n;
        }
        seen.add(n);
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void inboundAnsweredWithDtmfThenTheCallerHangsUp() throws Exception {
    try (Phone alice = new Phone("alice");
        Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, "alice", 6000)) {
      JsonNode incoming = alice.await("incoming-call", sipp);
      String callId = incoming.get("callId").asText();
      assertTrue(incoming.get("from").asText().startsWith("sip:sipp@"), incoming.toString());
      assertEquals("result",
          alice.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}").get("type").asText());
      assertEquals(callId, alice.await("answered").get("callId").asText());
      StringBuilder digits = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        digits.append(alice.await("dtmf").get("digit").asText());
      }
      assertEquals("1234", digits.toString(), "RFC 4733 digits from the SIP side, in order");
      JsonNode ended = alice.await("ended");
      assertEquals("remote-hangup", ended.get("cause").asText());
      assertEquals(0, sipp.await(40), sipp.where());
    }
  }

  @Test
  void inboundRejectedAsBusy() throws Exception {
    try (Phone bob = new Phone("bob");
        Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, "bob", 1000)) {
      String callId = bob.await("incoming-call", sipp).get("callId").asText();
      bob.request("{\"type\":\"reject\",\"callId\":\"" + callId + "\",\"busy\":true}");
      assertEquals("busy", bob.await("ended").get("cause").asText());
      sipp.await(30);
      assertTrue(sipp.messages().contains("SIP/2.0 486"), sipp.where());
    }
  }

  @Test
  void inboundMissedEndsWithNoAnswer() throws Exception {
    try (Phone dave = new Phone("dave");
        Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, "dave", 1000)) {
      dave.await("incoming-call", sipp);
      JsonNode ended = dave.await("ended");
      assertEquals("no-answer", ended.get("cause").asText());
      sipp.await(30);
      assertTrue(sipp.messages().contains("SIP/2.0 480"), sipp.where());
    }
  }

  @Test
  void outboundAnsweredHeldResumedWithDtmfAndHungUp() throws Exception {
    try (Phone carol = new Phone("carol"); Sipp uas = Sipp.uas("uas_answer", 60000)) {
      JsonNode placed = carol.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:"
          + uas.port + "\"}");
      String callId = placed.get("callId").asText();
      assertEquals(false, carol.await("ringing").get("earlyMedia").asBoolean());
      carol.await("answered");
      carol.request("{\"type\":\"hold\",\"callId\":\"" + callId + "\"}");
      assertEquals("rtc", carol.await("held").get("by").asText());
      carol.request("{\"type\":\"unhold\",\"callId\":\"" + callId + "\"}");
      carol.await("resumed");
      assertEquals("result", carol.request("{\"type\":\"dtmf\",\"callId\":\"" + callId
          + "\",\"digits\":\"42\"}").get("type").asText());
      // a conference needs a party to add (ConferenceCallTest adds them)
      JsonNode conf = carol.request("{\"type\":\"conference\",\"callId\":\"" + callId
          + "\"}");
      assertEquals("bad-message", conf.get("code").asText(), conf.toString());
      JsonNode calls = carol.request("{\"type\":\"calls\"}");
      assertEquals(callId, calls.get("calls").get(0).get("callId").asText());
      uas.awaitInLog("ACK sip:", 3);
      carol.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      assertEquals("local-hangup", carol.await("ended").get("cause").asText());
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  @Test
  void outboundBusyAndCancelled() throws Exception {
    try (Phone erin = new Phone("erin")) {
      try (Sipp busy = Sipp.uas("uas_busy", 1000)) {
        erin.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + busy.port + "\"}");
        JsonNode ended = erin.await("ended");
        assertEquals("busy", ended.get("cause").asText());
        assertEquals(486, ended.get("sipStatus").asInt());
      }
      try (Sipp ringing = Sipp.uas("uas_ring_no_answer", 1000)) {
        String callId = erin.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:"
            + ringing.port + "\"}").get("callId").asText();
        erin.await("ringing");
        erin.request("{\"type\":\"cancel\",\"callId\":\"" + callId + "\"}");
        assertEquals("cancelled", erin.await("ended").get("cause").asText());
        assertEquals(0, ringing.await(30), ringing.where());
      }
    }
  }

  @Test
  void theUserTransfersTheSipParty() throws Exception {
    try (Phone grace = new Phone("grace"); Sipp uas = Sipp.uas("uas_transferee", 60000)) {
      String callId = grace.request("{\"type\":\"call\",\"to\":\"sip:transferee@127.0.0.1:"
          + uas.port + "\"}").get("callId").asText();
      grace.await("answered");
      assertEquals("result", grace.request("{\"type\":\"transfer\",\"callId\":\"" + callId
          + "\",\"to\":\"sip:reception@pbx.example\"}").get("type").asText());
      JsonNode transferred = grace.await("transferred");
      assertEquals("sip:reception@pbx.example", transferred.get("to").asText());
      assertEquals(0, uas.await(30), uas.where());
      assertTrue(uas.messages().contains("Refer-To: <sip:reception@pbx.example>"), uas.where());
    }
  }

  @Test
  void theUserTransfersTheSipPartyToItsOtherCall() throws Exception {
    // attended: grace talks to bob (a sipp UAS), then to the transferee; she hands the
    // transferee over to bob, replacing her call with bob
    try (Phone grace = new Phone("grace"); Sipp bob = Sipp.uas("uas_answer", 60000);
        Sipp transferee = Sipp.uas("uas_transferee", 60000)) {
      String withBob = grace.request("{\"type\":\"call\",\"to\":\"sip:bob@127.0.0.1:"
          + bob.port + "\"}").get("callId").asText();
      grace.await("answered");
      String callId = grace.request("{\"type\":\"call\",\"to\":\"sip:transferee@127.0.0.1:"
          + transferee.port + "\"}").get("callId").asText();
      grace.await("answered");
      assertEquals("result", grace.request("{\"type\":\"transfer\",\"callId\":\"" + callId
          + "\",\"replaces\":\"" + withBob + "\"}").get("type").asText());
      JsonNode transferred = grace.await("transferred");
      assertEquals(callId, transferred.get("callId").asText());
      assertTrue(transferred.get("to").asText().startsWith("sip:"), transferred.toString());
      JsonNode ended = grace.await("ended");
      assertEquals("transferred", ended.get("cause").asText());
      assertEquals(0, transferee.await(30), transferee.where());
      // bob's dialog as bob sees it: his tag is the to-tag, ours the from-tag (RFC 3891 3)
      java.util.regex.Matcher bobTag = java.util.regex.Pattern.compile(
          "SIP/2.0 200 OK[\\s\\S]*?To:[^\\n]*;tag=([^;\\s>]+)").matcher(bob.messages());
      assertTrue(bobTag.find(), bob.where());
      String replaces = "?Replaces=" + io.rtc2sip.actors.call.CallIds.sipCallIdFor(withBob)
          .replace("@", "%40") + "%3Bto-tag%3D" + bobTag.group(1) + "%3Bfrom-tag%3D"
          + io.rtc2sip.actors.call.CallIds.localTagFor(withBob, 1) + ">";
      String refer = transferee.messages();
      assertTrue(refer.contains("Refer-To: <sip:") && refer.contains(replaces),
          replaces + " in " + transferee.where());
      // bob would now get the transferee's INVITE with Replaces and hang up on grace: here she
      // hangs up herself
      grace.request("{\"type\":\"hangup\",\"callId\":\"" + withBob + "\"}");
      assertEquals("local-hangup", grace.await("ended").get("cause").asText());
      bob.assertByeAnswered();
    }
  }

  @Test
  void theSipPartyTransfersTheUser() throws Exception {
    try (Phone ivan = new Phone("ivan"); Sipp target = Sipp.uas("uas_answer", 60000)) {
      String targetUri = "sip:uas@127.0.0.1:" + target.port;
      try (Sipp transferor = Sipp.uac("uac_refer", node.sipPort, "ivan", 1000,
          "-key", "refer_to", targetUri)) {
        String callId = ivan.await("incoming-call", transferor).get("callId").asText();
        ivan.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}");
        JsonNode transferred = ivan.await("transferred");
        assertEquals(targetUri, transferred.get("to").asText());
        transferor.await(30);
        assertTrue(transferor.messages().contains("SIP/2.0 202"), transferor.where());
        assertTrue(transferor.messages().contains("Subscription-State: terminated"),
            "final NOTIFY of the transfer: " + transferor.where());
        // the user now talks to the target; hanging up ends that dialog
        ivan.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        assertEquals("local-hangup", ivan.await("ended").get("cause").asText());
      }
      assertEquals(0, target.await(30), target.where());
    }
  }

  @Test
  void aReconnectingClientLearnsItsCalls() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
      String callId;
      try (Phone first = new Phone("heidi")) {
        callId = first.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + uas.port
            + "\"}").get("callId").asText();
        first.await("answered");
      }
      // the connection is gone; the call goes on; the user comes back on a new connection
      try (Phone again = new Phone("heidi")) {
        JsonNode calls = again.request("{\"type\":\"calls\"}");
        assertEquals(callId, calls.get("calls").get(0).get("callId").asText(), calls.toString());
        assertEquals("Active", calls.get("calls").get(0).get("state").asText());
        again.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        assertEquals("local-hangup", again.await("ended").get("cause").asText());
      }
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  @Test
  void theRegisterSignalMakesTheUserReachableThroughTheRegistrar() throws Exception {
    // a node whose users register at a real Kamailio; a caller dials the user there
    try (io.rtc2sip.sip.Kamailio kamailio = io.rtc2sip.sip.Kamailio.start();
        TestNode registering = TestNode.start(dir.resolve("registering"), Sipp.freeUdpPort(),
            Map.of("rtc2sip.sip.registrar", "sip:127.0.0.1:" + kamailio.port,
                "rtc2sip.sip.accounts.alice.username", "alice",
                "rtc2sip.sip.accounts.alice.password", "alice123"))) {
      try (Phone alice = new Phone("alice", registering.signalingPort)) {
        assertEquals("result", alice.request("{\"type\":\"register\",\"sip\":true}")
            .get("type").asText());
        JsonNode incoming = null;
        for (int attempt = 0; attempt < 20 && incoming == null; attempt++) {
          try (Sipp caller = Sipp.uac("uac_call_pcap", kamailio.port, "alice", 1000)) {
            if (caller.finishesWithin(3)) {
              continue; // 404 from the registrar: alice's REGISTER is not there yet
            }
            incoming = alice.await("incoming-call");
            alice.request("{\"type\":\"answer\",\"callId\":\""
                + incoming.get("callId").asText() + "\"}");
            alice.await("ended");
            assertEquals(0, caller.await(30), caller.where());
          }
        }
        assertTrue(incoming != null, "no call reached alice through the registrar");
        assertTrue(incoming.get("from").asText().startsWith("sip:sipp@"), incoming.toString());
      }
    }
  }

  @Test
  void theClientCliPlacesACall() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int status = io.rtc2sip.client.ClientMain.run(new String[] {
          "--uid", "frank", "--port", String.valueOf(node.signalingPort),
          "call sip:uas@127.0.0.1:" + uas.port + "; wait answered 20; sleep 500; hangup;"
              + " wait ended 10; quit"},
          java.io.InputStream.nullInputStream(),
          new PrintStream(output, true, StandardCharsets.UTF_8));
      String lines = output.toString(StandardCharsets.UTF_8);
      assertEquals(0, status, lines);
      assertTrue(lines.contains("\"type\":\"answered\""), lines);
      assertTrue(lines.contains("\"cause\":\"local-hangup\""), lines);
      assertEquals(0, uas.await(30), uas.where());
    }
  }

}
