package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import io.rtc2sip.actors.user.UserSession;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.CallStates;
import io.rtc2sip.tests.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
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
  private static final Duration ASK = Duration.ofSeconds(10);
  @TempDir static Path dir;
  private static TestNode node;
  private static ClusterSharding sharding;
  private static String self;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of());
    sharding = node.sharding();
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
    UserReply login = sharding.entityRefFor(UserSession.TYPE_KEY, "erin")
        .<UserReply>ask(r -> new UserCommand.Login(self, "conn-e", r), ASK)
        .toCompletableFuture().get();
    assertInstanceOf(UserReply.Accepted.class, login);
    try (Sipp sipp = Sipp.uac("uac_spoofed_in_dialog", node.sipPort, "erin", 500)) {
      String callId = awaitAlertingCallOf("erin");
      assertInstanceOf(CallReply.Accepted.class,
          call(callId, r -> new CallCommand.Answer("erin", r)));
      // sipp fails on any answer but the expected 481/500 to its forged requests, and its own
      // BYE at the end gets 200 only if the call was still up
      assertEquals(0, sipp.await(40), sipp.where());
      CallView end = awaitState(callId, "Ended");
      assertEquals(EndCause.REMOTE_HANGUP, end.endCause());
    }
    assertTrue(mismatches() - before >= 5, "refusals counted on /metrics");
  }

  @Test
  void aPhoneKeepsItsCallWhileItsDialogIsSpoofed() throws Exception {
    try (Sipp uas = Sipp.uas("uas_spoofed_in_dialog", 500)) {
      String callId = CallIds.newOutbound();
      assertInstanceOf(CallReply.Accepted.class, call(callId, r -> new CallCommand.PlaceCall(
          "frank", "room-f", "sip:uas@127.0.0.1:" + uas.port, r)));
      awaitState(callId, "Active");
      uas.awaitInLog("SIP/2.0 481", 3); // the last forged request was refused
      assertEquals("Active", view(callId).state(), "the forged BYE did not end the call");
      assertInstanceOf(CallReply.Accepted.class,
          call(callId, r -> new CallCommand.Hangup("frank", r)));
      assertEquals(EndCause.LOCAL_HANGUP, awaitState(callId, "Ended").endCause());
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

  private static String awaitAlertingCallOf(String uid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Presence presence = sharding.entityRefFor(UserSession.TYPE_KEY, uid)
          .<Presence>ask(UserCommand.GetPresence::new, ASK).toCompletableFuture().get();
      List<String> calls = presence.calls();
      for (String id : calls) {
        if (view(id).state().equals("Alerting")) {
          return id;
        }
      }
      Thread.sleep(50); // the call arrives by SIP: poll the user's presence
    }
    throw new AssertionError("no call for " + uid + " within 20 s");
  }

  private static CallView view(String callId) {
    try {
      return sharding.entityRefFor(CallEntity.TYPE_KEY, callId)
          .<CallView>ask(CallCommand.GetCall::new, ASK).toCompletableFuture().get();
    } catch (Exception e) {
      throw new AssertionError("call " + callId + " did not answer", e);
    }
  }

  private static CallView awaitState(String callId, String state) throws Exception {
    return CallStates.await(SipDialogSpoofTest::view, callId, state, Duration.ofSeconds(30));
  }

  private static CallReply call(String callId,
      Function<ActorRef<CallReply>, CallCommand> command) throws Exception {
    return sharding.entityRefFor(CallEntity.TYPE_KEY, callId)
        .<CallReply>ask(command::apply, ASK).toCompletableFuture().get();
  }
}
