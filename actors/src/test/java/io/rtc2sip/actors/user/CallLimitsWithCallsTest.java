package io.rtc2sip.actors.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallSettings;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.actors.support.TestClock;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Real call entities and the real user session, wired as sharding would wire them: the user's
 * concurrent-call limit frees up when its calls end, whether they fail, time out or are hung up.
 */
class CallLimitsWithCallsTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final CallSettings SETTINGS = new CallSettings(Duration.ofSeconds(60),
      Duration.ofSeconds(120), Duration.ofSeconds(32), "gw.example");

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private final String run = "run" + SEQ.incrementAndGet();
  private final String uid = "alice-" + run;
  private final TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
  private final TestProbe<SipLegCommand> sip = TEST_KIT.createTestProbe();
  private final TestProbe<MediaCommand> media = TEST_KIT.createTestProbe();
  private final TestProbe<ClientNotification> clients = TEST_KIT.createTestProbe();
  private final TestProbe<ClusterSharding.ShardCommand> shard = TEST_KIT.createTestProbe();
  private final Map<String, ActorRef<CallCommand>> calls = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<UserCommand>> users = new ConcurrentHashMap<>();
  private final DialPlans plans = DialPlans.of(
      new DialPlan(List.of(Pattern.compile(".*")), List.of(), 2, 0), "gw.example");

  private ActorRef<CallCommand> call(String callId) {
    return calls.computeIfAbsent(callId, id -> TEST_KIT.spawn(CallEntity.create(id,
        new CallEntity.Dependencies(SETTINGS, new CallPorts(sip.ref(), media.ref(),
            clients.ref()), this::tellUser, clock, "node", plans), shard.ref())));
  }

  private void tellUser(String id, UserCommand command) {
    users.computeIfAbsent(id, u -> TEST_KIT.spawn(UserSession.create(u,
        new UserSession.Dependencies(TEST_KIT.<ClientNotification>createTestProbe().ref(),
            TEST_KIT.<SipRegistrationCommand>createTestProbe().ref(),
            (EntityMessenger<CallCommand>) (c, m) -> call(c).tell(m), n -> true, clock, plans),
        shard.ref()))).tell(command);
  }

  private CallReply place(String callId) {
    TestProbe<CallReply> reply = TEST_KIT.createTestProbe();
    call(callId).tell(new CallCommand.PlaceCall(uid, "room", "+4930123456", reply.ref()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  /** Waits until the user session no longer lists {@code callId}. */
  private void untilLeft(String callId) {
    Instant deadline = Instant.now().plusSeconds(5);
    while (true) {
      TestProbe<Presence> p = TEST_KIT.createTestProbe();
      tellUser(uid, new UserCommand.GetPresence(p.ref()));
      if (!p.receiveMessage().calls().contains(callId)) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(callId + " still counted");
      }
    }
  }

  private void refused(String callId) {
    CallReply.Rejected r = assertInstanceOf(CallReply.Rejected.class, place(callId));
    assertEquals(DialPlan.TOO_MANY_CALLS, r.code(), r.reason());
  }

  @Test
  void theLimitFreesUpWhenCallsFailTimeOutOrAreHungUp() {
    String a = "o-a-" + run;
    String b = "o-b-" + run;
    assertInstanceOf(CallReply.Accepted.class, place(a));
    assertInstanceOf(CallReply.Accepted.class, place(b));
    refused("o-x-" + run);

    // a fails (the far end answers 503)
    call(a).tell(new CallCommand.SipFailed(503, "Service Unavailable"));
    untilLeft(a);
    String c = "o-c-" + run;
    assertInstanceOf(CallReply.Accepted.class, place(c));
    refused("o-y-" + run);

    // b rings out: no answer, CANCEL, and no final response either (cancel timeout)
    call(b).tell(CallCommand.NoAnswerTimeout.INSTANCE);
    call(b).tell(CallCommand.CancelTimeout.INSTANCE);
    untilLeft(b);
    String d = "o-d-" + run;
    assertInstanceOf(CallReply.Accepted.class, place(d));

    // c is answered and hung up by the user
    call(c).tell(new CallCommand.SipAnswered("t", "sip:x@10.0.0.2", List.of(),
        io.rtc2sip.actors.model.NegotiatedMedia.pcmu()));
    TestProbe<CallReply> hangup = TEST_KIT.createTestProbe();
    call(c).tell(new CallCommand.Hangup(uid, hangup.ref()));
    assertInstanceOf(CallReply.Accepted.class, hangup.receiveMessage());
    untilLeft(c);
    assertInstanceOf(CallReply.Accepted.class, place("o-e-" + run));
    refused("o-z-" + run);
  }
}
