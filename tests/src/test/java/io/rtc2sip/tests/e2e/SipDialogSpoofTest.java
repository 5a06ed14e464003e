package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.user.UserReply;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.ClusterCalls;
import io.rtc2sip.tests.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spoofed requests in the dialog of a real call through a node, sent by the SIPp peer of the
 * call itself: BYE, re-INVITE, REFER and INFO with forged tags or an old CSeq are refused (481,
 * 500) while the call goes on; the peer's own BYE (or ours) still ends it. Both directions:
 * the SIP platform calls a user, and a user calls a phone.
 */
class SipDialogSpoofTest {
  @TempDir static Path dir;
  private static TestNode node;
  private static ClusterCalls calls;
  private static String self;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of());
    calls = new ClusterCalls(node.sharding());
    self = node.address();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aCallerKeepsItsCallWhileItsDialogIsSpoofed() throws Exception {
    double before = mismatches();
    assertInstanceOf(UserReply.Accepted.class, calls.login("erin", self, "conn-e"));
    try (Sipp sipp = Sipp.uac("uac_spoofed_in_dialog", node.sipPort, "erin", 500)) {
      String callId = calls.awaitCallOf("erin", id -> calls.view(id).state().equals("Alerting"));
      assertInstanceOf(CallReply.Accepted.class,
          calls.call(callId, r -> new CallCommand.Answer("erin", r)));
      // sipp fails on any answer but the expected 481/500 to its forged requests, and its own
      // BYE at the end gets 200 only if the call was still up
      assertEquals(0, sipp.await(40), sipp.where());
      CallView end = calls.awaitState(callId, "Ended");
      assertEquals(EndCause.REMOTE_HANGUP, end.endCause());
    }
    assertTrue(mismatches() - before >= 5, "refusals counted on /metrics");
  }

  @Test
  void aPhoneKeepsItsCallWhileItsDialogIsSpoofed() throws Exception {
    try (Sipp uas = Sipp.uas("uas_spoofed_in_dialog", 500)) {
      String callId = CallIds.newOutbound();
      assertInstanceOf(CallReply.Accepted.class, calls.call(callId, r -> new CallCommand.PlaceCall(
          "frank", "room-f", "sip:uas@127.0.0.1:" + uas.port, r)));
      calls.awaitState(callId, "Active");
      uas.awaitInLog("SIP/2.0 481", 3); // the last forged request was refused
      assertEquals("Active", calls.view(callId).state(), "the forged BYE did not end the call");
      assertInstanceOf(CallReply.Accepted.class,
          calls.call(callId, r -> new CallCommand.Hangup("frank", r)));
      assertEquals(EndCause.LOCAL_HANGUP, calls.awaitState(callId, "Ended").endCause());
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  /** The node's {@code rtc2sip_sip_dialog_mismatch_total}, all reasons. */
  private static double mismatches() throws Exception {
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + "/metrics"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(l -> l.startsWith("rtc2sip_sip_dialog_mismatch_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }




}
