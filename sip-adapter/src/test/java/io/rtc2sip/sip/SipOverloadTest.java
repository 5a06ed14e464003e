package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.port.SipLegCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Overload protection: past {@code max-pending-invites} INVITEs awaiting our final response, a
 * new INVITE is refused at once with 503 and Retry-After and never reaches a call entity.
 */
class SipOverloadTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void invitesPastTheLimitGet503WithRetryAfterUntilOneIsAnswered() throws Exception {
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    int port = Sipp.freeUdpPort();
    SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp"), "", "", "",
        "rtc2sip-test", "", 300, Map.of(), 1800, 2, 7);
    SipAdapter adapter = SipAdapter.start(KIT.system(), settings,
        EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
        CallQuery.ofStates(callId -> "Ringing"));
    try (RawSip raw = new RawSip(port)) {
      // two calls ring and are left unanswered: the limit is reached
      CallCommand.SipInviteReceived first = null;
      for (String sipCallId : List.of("one@caller", "two@caller")) {
        assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"),
            "100 Trying for " + sipCallId);
        ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
        assertEquals(CallIds.forInbound(sipCallId, RawSip.fromTag(sipCallId)), e.entityId());
        CallCommand.SipInviteReceived invite =
            assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
        first = first == null ? invite : first;
      }
      // a third is refused before any work for it
      String refused = raw.requestUntil(raw.invite("bob", "three@caller"), "SIP/2.0 ");
      assertNotNull(refused, "an answer to the third INVITE");
      assertTrue(refused.startsWith("SIP/2.0 503"), refused);
      assertTrue(refused.contains("Retry-After: 7"), refused);
      assertTrue(refused.contains("Call-ID: three@caller"), refused);
      calls.expectNoMessage(Duration.ofMillis(300));
      // the first call is answered busy: there is room for one more
      String firstId = CallIds.forInbound("one@caller", RawSip.fromTag("one@caller"));
      adapter.port().tell(new SipLegCommand.Reject(firstId, first.dialog(), 486, null));
      String busy = raw.requestUntil(null, "SIP/2.0 486");
      assertNotNull(busy, "486 to the first INVITE");
      assertTrue(busy.contains("Call-ID: one@caller"), busy);
      String accepted = raw.requestUntil(raw.invite("bob", "four@caller"), "SIP/2.0 100");
      assertNotNull(accepted, "100 Trying once the first call is answered");
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      assertEquals(CallIds.forInbound("four@caller", RawSip.fromTag("four@caller")), e.entityId());
      assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
    } finally {
      adapter.close();
    }
  }
}
