package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand.CalleeOffline;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.Cancel;
import io.rtc2sip.actors.call.CallCommand.Conference;
import io.rtc2sip.actors.call.CallCommand.Hold;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipInviteReceived;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.PushCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestClock;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * One call under test: the entity in an {@link EventSourcedBehaviorTestKit} (in-memory journal,
 * every command, event and state checked for serialization), probes for its ports, the user
 * sessions and its shard, and a clock that moves only when told.
 */
final class CallFixture {

  static final String UID = "alice";
  /** Where clients join the RTC network of the call's node. */
  static final String RTC = "127.0.0.1:7072";
  static final String SIP = "127.0.0.1:5062";
  static final String TARGET = "sip:+4930123456@pbx.example";
  static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  static final CallSettings SETTINGS =
      new CallSettings(
          Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(32), "gw.example")
          .withConference(true);
  static final String PEER_TAG = "peer-tag";
  static final String NODE = "pekko://rtc2sip@127.0.0.1:2551";
  static final String PEER_CALL_ID = "a84b4c76e66710@pbx.example";
  /**
   * The random number every call of a fixture draws (the glare retry waits 3050 ms for a call
   * that owns its Call-ID, 1000 ms for one that does not).
   */
  static final double RANDOM = 0.5;
  private static final AtomicInteger SEQ = new AtomicInteger();

  final String callId;
  final TestClock clock = new TestClock(START);
  final TestProbe<SipLegCommand> sip;
  final TestProbe<MediaCommand> media;
  final TestProbe<ClientNotification> clients;
  /** The node's push service (absent in a fixture made {@link #inboundWithoutPush}). */
  final TestProbe<PushCommand> push;
  final TestProbe<ShardingEnvelope<UserCommand>> users;
  final TestProbe<UserCommand.AdmitCall> admissions;
  final TestProbe<ClusterSharding.ShardCommand> shard;
  final EventSourcedBehaviorTestKit<CallCommand, CallEvent, CallState> kit;

  CallFixture(ActorTestKit testKit, boolean inbound) {
    this(testKit, inbound, SETTINGS);
  }

  CallFixture(ActorTestKit testKit, boolean inbound, CallSettings settings) {
    this(testKit, inbound, settings, DialPlans.open(settings.sipDomain()), null);
  }

  /**
   * A call with this dial plan; the user session it asks to admit a placed call answers
   * {@code admission} (null: allowed). What the call sends the user session but admissions goes
   * to {@link #users}; the admissions go to {@link #admissions}.
   */
  CallFixture(ActorTestKit testKit, boolean inbound, CallSettings settings, DialPlans plans,
      CallCommand.PlacementRefused admission) {
    this(testKit, inbound, settings, plans, admission, true, true);
  }

  /**
   * An outbound call with this dial plan whose user session takes the admissions (they go to
   * {@link #admissions}) and never answers them.
   */
  static CallFixture withSilentUserSession(ActorTestKit testKit, DialPlans plans) {
    return new CallFixture(testKit, false, SETTINGS, plans, null, false, true);
  }

  /** An inbound call on a node without a push service. */
  static CallFixture inboundWithoutPush(ActorTestKit testKit) {
    return new CallFixture(testKit, true, SETTINGS, DialPlans.open(SETTINGS.sipDomain()), null,
        true, false);
  }

  private CallFixture(ActorTestKit testKit, boolean inbound, CallSettings settings,
      DialPlans plans, CallCommand.PlacementRefused admission, boolean admissionsAnswered,
      boolean pushes) {
    this.callId = (inbound ? "i-" : "o-") + "test-" + SEQ.incrementAndGet();
    this.sip = testKit.createTestProbe();
    this.media = testKit.createTestProbe();
    this.clients = testKit.createTestProbe();
    this.push = testKit.createTestProbe();
    this.users = testKit.createTestProbe();
    this.shard = testKit.createTestProbe();
    this.admissions = testKit.createTestProbe();
    EntityMessenger<UserCommand> userSessions = (uid, message) -> {
      if (message instanceof UserCommand.AdmitCall admit) {
        admissions.ref().tell(admit);
        if (admissionsAnswered) {
          admit.replyTo().tell(admission != null ? admission
              : new CallCommand.PlacementAllowed(uid));
        }
      } else {
        users.ref().tell(new ShardingEnvelope<>(uid, message));
      }
    };
    CallEntity.Dependencies deps =
        new CallEntity.Dependencies(
            settings,
            new CallPorts(sip.ref(), media.ref(), clients.ref(), RTC, SIP)
                .withPush(pushes ? push.ref() : null),
            userSessions,
            clock,
            NODE,
            plans,
            () -> RANDOM);
    this.kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), CallEntity.create(callId, deps, shard.ref()));
  }

  static CallFixture outbound(ActorTestKit testKit) {
    return new CallFixture(testKit, false);
  }

  static CallFixture inbound(ActorTestKit testKit) {
    return new CallFixture(testKit, true);
  }

  // ---------------------------------------------------------------- samples

  static SipDialog inboundDialog(String callId) {
    return new SipDialog(PEER_CALL_ID, CallIds.localTagFor(callId, 0), PEER_TAG,
        "sip:" + UID + "@gw.example", "sip:+4930999@pbx.example", "sip:pbx@10.0.0.1:5060",
        List.of("<sip:proxy.example;lr>"), 0, 1);
  }

  SipInviteReceived invite() {
    return new SipInviteReceived(
        inboundDialog(callId), Party.sip("sip:+4930999@pbx.example"), UID, NegotiatedMedia.pcma());
  }

  static SipAnswered answered() {
    return new SipAnswered(PEER_TAG, "sip:callee@10.0.0.2:5060", List.of(),
        NegotiatedMedia.pcmu());
  }

  CallState state() {
    return kit.getState();
  }

  CallInfo info() {
    return ((CallState.Started) kit.getState()).info();
  }

  // ---------------------------------------------------------------- driving

  CallReply place() {
    return kit.<CallReply>runCommand(r -> new PlaceCall(UID, "room-1", TARGET, r)).reply();
  }

  void fact(CallCommand command) {
    kit.runCommand(command);
  }

  CallReply client(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<CallReply>,
      CallCommand> command) {
    return kit.<CallReply>runCommand(command::apply).reply();
  }

  /** Drives a fresh call into a state of this class, then forgets what the probes saw. */
  void reach(Class<? extends CallState> target) {
    drive(target);
    clearProbes();
  }

  /** Drives a fresh call into a state of this class. */
  void drive(Class<? extends CallState> target) {
    String name = target.getSimpleName();
    switch (name) {
      case "Idle" -> { }
      case "Dialing" -> place();
      case "Ringing" -> {
        place();
        fact(new SipProvisional(180, PEER_TAG, null));
      }
      case "Cancelling" -> {
        place();
        client(r -> new Cancel(UID, r));
      }
      case "Routing" -> fact(invite());
      case "Parked" -> {
        fact(invite());
        fact(new CalleeOffline(UID));
      }
      case "Alerting" -> {
        fact(invite());
        fact(new CalleeOnline(UID, "pekko://rtc2sip@127.0.0.1:2551", "conn-1"));
      }
      case "Active" -> {
        place();
        fact(answered());
      }
      case "Held" -> {
        drive(CallState.Active.class);
        client(r -> new Hold(UID, r));
      }
      case "Transferring" -> {
        drive(CallState.Active.class);
        client(r -> new Transfer(UID, "sip:bob@pbx.example", r));
      }
      case "Referred" -> {
        drive(CallState.Active.class);
        fact(new SipReferReceived(2, "sip:carol@pbx.example", "sip:callee@pbx.example"));
      }
      case "Conferencing" -> {
        drive(CallState.Active.class);
        client(r -> new Conference(UID, "sip:carol@pbx.example", r));
      }
      case "Ended" -> {
        place();
        fact(new SipFailed(486, "Busy Here"));
      }
      default -> throw new IllegalArgumentException(name);
    }
    assertInstanceOf(target, kit.getState());
  }

  void clearProbes() {
    drain(sip);
    drain(media);
    drain(clients);
    drain(push);
    drain(users);
    drain(admissions);
    drain(shard);
  }

  /**
   * Takes what the probe got until it has been quiet for 20 ms. The entity tells its ports
   * right after the reply the kit waited for, and a probe takes a message in asynchronously:
   * 1 ms was not always enough for the last one (a hold's re-INVITE seen after the drain).
   */
  private static void drain(TestProbe<?> probe) {
    try {
      while (true) {
        probe.receiveMessage(Duration.ofMillis(20));
      }
    } catch (AssertionError noMore) {
      // empty
    }
  }

  static void assertAccepted(CallReply reply) {
    assertInstanceOf(CallReply.Accepted.class, reply, () -> "reply was " + reply);
  }

  static String rejection(CallReply reply) {
    CallReply.Rejected rejected =
        assertInstanceOf(CallReply.Rejected.class, reply, () -> "reply was " + reply);
    return rejected.reason();
  }

  <T> T userMessage(Class<T> type) {
    ShardingEnvelope<UserCommand> envelope = users.receiveMessage();
    assertEquals(UID, envelope.entityId());
    return assertInstanceOf(type, envelope.message());
  }
}
