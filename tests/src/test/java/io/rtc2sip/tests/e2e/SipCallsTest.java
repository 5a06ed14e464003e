package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import io.rtc2sip.actors.user.UserSession;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.ClusterCalls;
import io.rtc2sip.tests.support.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole calls through a real node (call entities on PostgreSQL, the SIP adapter, the media
 * bridge) against real SIPp peers: the SIP platform calls an online user, an offline one and an
 * unknown one; a user calls a SIP phone. The RTC user's side is driven through the entities, as
 * the signaling server does.
 */
class SipCallsTest {
  private static final Duration ASK = Duration.ofSeconds(10);
  @TempDir static Path dir;
  private static TestNode node;
  private static ClusterSharding sharding;
  private static ClusterCalls calls;
  private static int sipPort;
  private static String self;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of("rtc2sip.call.park-timeout", "3s"));
    sipPort = node.sipPort;
    sharding = node.sharding();
    calls = new ClusterCalls(sharding);
    self = node.address();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theSipPlatformCallsAnOnlineUserWhoAnswers() throws Exception {
    login("alice", "conn-a");
    try (Sipp sipp = Sipp.uac("uac_call_pcap", sipPort, "alice", 6000)) {
      String callId = calls.awaitCallOf("alice", id -> calls.view(id).state().equals("Alerting"));
      CallReply answered = calls.call(callId, r -> new CallCommand.Answer("alice", r));
      assertInstanceOf(CallReply.Accepted.class, answered);
      assertEquals(0, sipp.await(40), sipp.where());
      CallView end = calls.awaitState(callId, "Ended");
      assertEquals(EndCause.REMOTE_HANGUP, end.endCause());
      assertEquals("PCMA", end.media().codec());
      String messages = sipp.messages();
      assertTrue(messages.contains("SIP/2.0 180 Ringing"), sipp.where());
      assertTrue(messages.contains("SIP/2.0 200 OK"), sipp.where());
    }
  }

  @Test
  void anUnknownUserIs404() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_call_pcap", sipPort, "nobody", 1000)) {
      sipp.await(30);
      assertTrue(sipp.messages().contains("SIP/2.0 404"), sipp.where());
    }
  }

  @Test
  void anOfflineUserIsParkedThenTheCallerGets480() throws Exception {
    login("bob", "conn-b");
    UserReply out = sharding.entityRefFor(UserSession.TYPE_KEY, "bob")
        .<UserReply>ask(r -> new UserCommand.Logout("conn-b", r), ASK)
        .toCompletableFuture().get();
    assertInstanceOf(UserReply.Accepted.class, out);
    try (Sipp sipp = Sipp.uac("uac_call_pcap", sipPort, "bob", 1000)) {
      String callId = awaitParkedOf("bob");
      assertEquals("Parked", calls.view(callId).state());
      sipp.await(30);
      CallView end = calls.awaitState(callId, "Ended");
      assertEquals(EndCause.CALLEE_OFFLINE, end.endCause());
      assertTrue(sipp.messages().contains("SIP/2.0 180 Ringing"), sipp.where());
      assertTrue(sipp.messages().contains("SIP/2.0 480"), sipp.where());
    }
  }

  @Test
  void aUserCallsASipPhoneThatAnswersAndHangsUpAfterwards() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
      String callId = CallIds.newOutbound();
      assertInstanceOf(CallReply.Accepted.class, calls.call(callId, r -> new CallCommand.PlaceCall(
          "carol", "room-c", "sip:uas@127.0.0.1:" + uas.port, r)));
      calls.awaitState(callId, "Active");
      assertInstanceOf(CallReply.Accepted.class, calls.call(callId, r -> new CallCommand.Hold("carol", r)));
      calls.awaitState(callId, "Held");
      assertInstanceOf(CallReply.Accepted.class,
          calls.call(callId, r -> new CallCommand.Unhold("carol", r)));
      calls.awaitState(callId, "Active");
      // the entity is Active once the resume is decided; hang up after the re-INVITE completed
      // (sipp's scenario cannot take a BYE crossing a re-INVITE)
      uas.awaitInLog("ACK sip:", 3);
      assertInstanceOf(CallReply.Accepted.class,
          calls.call(callId, r -> new CallCommand.Hangup("carol", r)));
      assertEquals(EndCause.LOCAL_HANGUP, calls.awaitState(callId, "Ended").endCause());
      assertEquals(0, uas.await(30), uas.where());
      assertTrue(uas.messages().contains("a=sendonly"), "hold re-INVITE: " + uas.where());
      // the dashboard's drill-down: the call's SIP messages, as this node sent and received them
      String trace = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
              + node.httpPort + "/api/calls/" + callId + "/sip")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(trace.contains("INVITE sip:uas@127.0.0.1:" + uas.port), trace);
      assertTrue(trace.contains("a=sendonly") && trace.contains("BYE sip:"), trace);
      assertTrue(trace.contains("\"node\":\"" + self + "\""), trace);
    }
  }

  @Test
  void aPhoneThatMakesUsTheSessionRefresherGetsRefreshes() throws Exception {
    try (Sipp uas = Sipp.uas("uas_session_timer", 60000)) {
      String callId = CallIds.newOutbound();
      assertInstanceOf(CallReply.Accepted.class, calls.call(callId, r -> new CallCommand.PlaceCall(
          "dave", "room-d", "sip:uas@127.0.0.1:" + uas.port, r)));
      calls.awaitState(callId, "Active");
      // Session-Expires: 4;refresher=uac in the 200 OK: the call re-INVITEs by itself after 2 s
      uas.awaitInLog("ACK sip:", 2);
      assertTrue(calls.view(callId).dialog().localCseq() >= 2, "the refresh is persisted");
      assertInstanceOf(CallReply.Accepted.class,
          calls.call(callId, r -> new CallCommand.Hangup("dave", r)));
      calls.awaitState(callId, "Ended");
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  private static void login(String uid, String connection) throws Exception {
    assertInstanceOf(UserReply.Accepted.class, calls.login(uid, self, connection));
  }



  private static String awaitParkedOf(String uid) {
    // the call arrives by SIP: poll the user's presence
    return Until.value(Duration.ofSeconds(20), Until.probing(() -> {
      List<String> parked = calls.presence(uid).parkedCalls();
      return parked.isEmpty() ? null : parked.get(0);
    }), () -> "a parked call for " + uid);
  }




}
