package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.e2e.SignalingCallsTest.Phone;
import io.rtc2sip.tests.support.TestNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Toll-fraud limits end to end, through a real node and SIPp: a destination outside the dial
 * plan is refused before any INVITE, a REFER to such a target is refused with a NOTIFY 403 and
 * no INVITE, and the concurrent-call limit refuses a second call until the first ended.
 */
class DialPlanTest {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of(
        "rtc2sip.dial-plan.default.deny", "premium.*@.*",
        "rtc2sip.dial-plan.default.max-concurrent-calls", 1,
        "rtc2sip.dial-plan.users.rita.calls-per-minute", 2));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** Fails if anything arrives on {@code trap} within {@code millis}. */
  private static void assertNothingArrives(DatagramSocket trap, int millis) throws Exception {
    trap.setSoTimeout(millis);
    try {
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      trap.receive(p);
      throw new AssertionError("the forbidden destination got: " + new String(p.getData(), 0,
          p.getLength(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (SocketTimeoutException expected) {
      // nothing was sent there
    }
  }

  @Test
  void aForbiddenDestinationIsRefusedBeforeAnyInvite() throws Exception {
    try (DatagramSocket trap = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Phone mallory = new Phone("mallory", node.signalingPort)) {
      JsonNode e = mallory.request("{\"type\":\"call\",\"to\":\"sip:premium-1@127.0.0.1:"
          + trap.getLocalPort() + "\"}");
      assertEquals("error", e.get("type").asText(), e.toString());
      assertEquals("forbidden-destination", e.get("code").asText(), e.toString());
      assertEquals("the dial plan of mallory does not allow premium-1@127.0.0.1",
          e.get("reason").asText());
      assertTrue(mallory.request("{\"type\":\"calls\"}").get("calls").isEmpty());
      assertNothingArrives(trap, 1000);
    }
  }

  @Test
  void aReferToAForbiddenTargetIsRefusedAndTheCallGoesOn() throws Exception {
    try (DatagramSocket trap = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Phone oscar = new Phone("oscar", node.signalingPort)) {
      String target = "sip:premium-2@127.0.0.1:" + trap.getLocalPort();
      try (Sipp transferor = Sipp.uac("uac_refer", node.sipPort, "oscar", 1000,
          "-key", "refer_to", target)) {
        String callId = oscar.await("incoming-call", transferor).get("callId").asText();
        oscar.request("{\"type\":\"answer\",\"callId\":\"" + callId + "\"}");
        // refused: the final NOTIFY says 403; the transferor then hangs up as its scenario does
        JsonNode ended = oscar.await("ended", transferor);
        assertEquals("remote-hangup", ended.get("cause").asText(), ended.toString());
        assertEquals(0, transferor.await(30), transferor.where());
        String sip = transferor.messages();
        assertTrue(sip.contains("SIP/2.0 202"), transferor.where());
        assertTrue(sip.contains("SIP/2.0 403"), "NOTIFY with sipfrag 403: " + transferor.where());
        assertTrue(sip.contains("Subscription-State: terminated"), transferor.where());
      }
      assertNothingArrives(trap, 500);
    }
  }

  @Test
  void theConcurrentLimitRefusesASecondCallUntilTheFirstEnded() throws Exception {
    try (Phone peggy = new Phone("peggy", node.signalingPort);
        Sipp uas = Sipp.uas("uas_answer", 60000)) {
      String to = "sip:uas@127.0.0.1:" + uas.port;
      String first = peggy.request("{\"type\":\"call\",\"to\":\"" + to + "\"}")
          .get("callId").asText();
      peggy.await("answered", uas);
      JsonNode second = peggy.request("{\"type\":\"call\",\"to\":\"" + to + "\"}");
      assertEquals("too-many-calls", second.path("code").asText(), second.toString());
      peggy.request("{\"type\":\"hangup\",\"callId\":\"" + first + "\"}");
      assertEquals("local-hangup", peggy.await("ended").get("cause").asText());
      // the user session hears of the end right after the client does: poll with a deadline
      long deadline = System.nanoTime() + 5_000_000_000L;
      JsonNode third;
      do {
        third = peggy.request("{\"type\":\"call\",\"to\":\"" + to + "\"}");
      } while (third.path("code").asText().equals("too-many-calls")
          && System.nanoTime() < deadline);
      // taken (the SIPp UAS served its one call already: this one only rings)
      assertEquals("result", third.get("type").asText(), third.toString());
    }
  }

  @Test
  void conferencePartiesCountInThePerMinuteLimit() throws Exception {
    try (Phone rita = new Phone("rita", node.signalingPort);
        Sipp first = Sipp.uas("uas_answer", 60000);
        Sipp second = Sipp.uas("uas_answer", 60000);
        DatagramSocket trap = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      String callId = rita.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:"
          + first.port + "\"}").get("callId").asText();
      rita.await("answered", first);
      JsonNode added = rita.request("{\"type\":\"conference\",\"callId\":\"" + callId
          + "\",\"to\":\"sip:uas@127.0.0.1:" + second.port + "\"}");
      assertEquals("result", added.get("type").asText(), added.toString());
      rita.await("party-joined", second);
      // the call and the party: two legs started this minute, the plan's two
      JsonNode third = rita.request("{\"type\":\"conference\",\"callId\":\"" + callId
          + "\",\"to\":\"sip:third@127.0.0.1:" + trap.getLocalPort() + "\"}");
      assertEquals("call-rate-exceeded", third.path("code").asText(), third.toString());
      assertTrue(third.path("reason").asText().contains("started 2 calls and parties in the"
          + " last minute"), third.toString());
      assertNothingArrives(trap, 500);
      rita.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      assertEquals("local-hangup", rita.await("ended").get("cause").asText());
    }
  }
}
