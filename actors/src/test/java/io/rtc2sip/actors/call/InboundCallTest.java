package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.call.CallCommand.Answer;
import io.rtc2sip.actors.call.CallCommand.CalleeOffline;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.CalleeUnknown;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.NoAnswerTimeout;
import io.rtc2sip.actors.call.CallCommand.ParkTimeout;
import io.rtc2sip.actors.call.CallCommand.Reject;
import io.rtc2sip.actors.call.CallCommand.SipCancelled;
import io.rtc2sip.actors.call.CallEvent.CallAlerting;
import io.rtc2sip.actors.call.CallEvent.CallAnswered;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallParked;
import io.rtc2sip.actors.call.CallEvent.CallReceived;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** SIP calls an RTC user: routing, alerting, parking for an offline user, answer, refusals. */
class InboundCallTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final String NODE = "pekko://rtc2sip@127.0.0.1:2551";

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void aCallNotStartedYetSaysWhichNodesSipListenerItRunsOnAndPassivates() {
    // the node that received the INVITE asks, to pass the INVITE on to this node
    CallFixture f = CallFixture.inbound(TEST_KIT);
    var result = f.kit.<CallView>runCommand(CallCommand.GetCall::new);
    assertEquals("Idle", result.reply().state());
    assertEquals(CallFixture.SIP, result.reply().sipAddress());
    org.junit.jupiter.api.Assertions.assertTrue(result.hasNoEvents());
    f.shard.expectMessageClass(
        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.Passivate.class);
  }

  @Test
  void anInviteAsksTheUserSessionWhereTheCalleeIs() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    var result = f.kit.runCommand(f.invite());
    RtcLeg rtc = new RtcLeg(CallIds.rtcChannelFor(f.callId), UID);
    assertEquals(
        new CallReceived(f.callId, Party.sip("sip:+4930999@pbx.example"), Party.rtc(UID), rtc,
            CallFixture.inboundDialog(f.callId), NegotiatedMedia.pcma(), START.plusSeconds(60),
            START),
        result.event());
    UserCommand.RouteInboundCall route = f.userMessage(UserCommand.RouteInboundCall.class);
    assertEquals(f.callId, route.callId());
    assertEquals(new MediaCommand.Prepare(f.callId, rtc, CallDirection.INBOUND),
        f.media.receiveMessage());
  }

  @Test
  void anOnlineCalleeIsAlertedAndAnswers() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    var alerting = f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-1"));
    assertEquals(new CallAlerting(NODE, "conn-1", START.plusSeconds(60), START),
        alerting.event());
    assertEquals(new SipLegCommand.Ring(f.callId, CallFixture.inboundDialog(f.callId), false),
        f.sip.receiveMessage());
    assertEquals(new ClientNotification.IncomingCall(UID, f.callId,
        Party.sip("sip:+4930999@pbx.example"), CallIds.rtcChannelFor(f.callId), CallFixture.RTC),
        f.clients.receiveMessage());

    var answer = f.kit.<CallReply>runCommand(r -> new Answer(UID, r));
    assertAccepted(answer.reply());
    assertEquals(new CallAnswered(CallFixture.inboundDialog(f.callId), NegotiatedMedia.pcma(),
        START, false), answer.event());
    assertEquals(new SipLegCommand.Accept(f.callId, CallFixture.inboundDialog(f.callId),
        NegotiatedMedia.pcma()), f.sip.receiveMessage());
    assertInstanceOf(MediaCommand.Start.class, f.media.receiveMessage());
    assertEquals(new ClientNotification.Answered(UID, f.callId), f.clients.receiveMessage());
  }

  @Test
  void anOfflineCalleeParksTheCallUntilItLogsIn() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    var parked = f.kit.runCommand(new CalleeOffline(UID));
    assertEquals(new CallParked(START.plusSeconds(120), START, true), parked.event());
    assertInstanceOf(SipLegCommand.Ring.class, f.sip.receiveMessage());
    assertEquals(new ClientNotification.OfflineCallNotice(UID, f.callId,
        Party.sip("sip:+4930999@pbx.example"), START.plusSeconds(120)),
        f.clients.receiveMessage());

    f.clock.advance(Duration.ofSeconds(30));
    var online = f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-7"));
    assertEquals(new CallAlerting(NODE, "conn-7", START.plusSeconds(90), START.plusSeconds(30)),
        online.event());
    assertInstanceOf(ClientNotification.IncomingCall.class, f.clients.receiveMessage());
    // the caller is already hearing ringing: no second 180
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void withParkedRingbackTheCallerGets183AndTheGatewaysRingbackUntilTheAnswer() {
    CallFixture f = new CallFixture(TEST_KIT, true,
        CallFixture.SETTINGS.withParkedRingback(true));
    f.reach(CallState.Routing.class);
    f.kit.runCommand(new CalleeOffline(UID));
    assertEquals(new SipLegCommand.Ring(f.callId, CallFixture.inboundDialog(f.callId), true),
        f.sip.receiveMessage());
    assertEquals(new MediaCommand.Ringback(f.callId, NegotiatedMedia.pcma()),
        f.media.receiveMessage());
    f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-7"));
    f.kit.<CallReply>runCommand(r -> new Answer(UID, r));
    // the answer's Start ends the ringback
    assertInstanceOf(MediaCommand.Start.class, f.media.receiveMessage());
  }

  @Test
  void withRingbackToSipTheCallerOfAnOnlineCalleeGets183AndTheGatewaysRingback() {
    CallFixture f = new CallFixture(TEST_KIT, true,
        CallFixture.SETTINGS.withRingbackToSip(true));
    f.reach(CallState.Routing.class);
    f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-7"));
    assertEquals(new SipLegCommand.Ring(f.callId, CallFixture.inboundDialog(f.callId), true),
        f.sip.receiveMessage());
    assertEquals(new MediaCommand.Ringback(f.callId, NegotiatedMedia.pcma()),
        f.media.receiveMessage());
    f.kit.<CallReply>runCommand(r -> new Answer(UID, r));
    // the answer's Start ends the ringback
    assertInstanceOf(MediaCommand.Start.class, f.media.receiveMessage());
  }

  @Test
  void aParkedCallTimesOutWith480() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Parked.class);
    var ended = f.kit.runCommand(ParkTimeout.INSTANCE);
    assertEquals(new CallEnded(EndCause.CALLEE_OFFLINE, 480,
        EndCause.CALLEE_OFFLINE.description(), START), ended.event());
    assertEquals(new SipLegCommand.Reject(f.callId, CallFixture.inboundDialog(f.callId), 480,
        EndCause.CALLEE_OFFLINE), f.sip.receiveMessage());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.CALLEE_OFFLINE, 480),
        f.clients.receiveMessage());
  }

  @Test
  void anUnknownCalleeGets404AndNoNotification() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    var ended = f.kit.runCommand(new CalleeUnknown(UID));
    assertEquals(EndCause.NOT_FOUND, ((CallEnded) ended.event()).cause());
    assertEquals(404, ((SipLegCommand.Reject) f.sip.receiveMessage()).status());
    f.clients.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void refusalsMapToTheirStatus() {
    record Case(CallCommand.ClientCommand command, EndCause cause, int status) {}
    var probe = TEST_KIT.<CallReply>createTestProbe();
    for (Case c : new Case[] {
        new Case(new Reject(UID, true, probe.ref()), EndCause.BUSY, 486),
        new Case(new Reject(UID, false, probe.ref()), EndCause.DECLINED, 603),
        new Case(new Hangup(UID, probe.ref()), EndCause.DECLINED, 603)}) {
      CallFixture f = CallFixture.inbound(TEST_KIT);
      f.reach(CallState.Alerting.class);
      var ended = f.kit.runCommand(c.command());
      assertEquals(c.cause(), ((CallEnded) ended.event()).cause());
      assertEquals(c.status(), ((SipLegCommand.Reject) f.sip.receiveMessage()).status());
      assertAccepted(probe.receiveMessage());
    }
  }

  @Test
  void noAnswerAndCallerCancel() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Alerting.class);
    var ended = f.kit.runCommand(NoAnswerTimeout.INSTANCE);
    assertEquals(new CallEnded(EndCause.NO_ANSWER, 480, EndCause.NO_ANSWER.description(), START),
        ended.event());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.NO_ANSWER, 480),
        f.clients.receiveMessage());

    CallFixture g = CallFixture.inbound(TEST_KIT);
    g.reach(CallState.Alerting.class);
    var cancelled = g.kit.runCommand(new SipCancelled("caller hung up"));
    assertEquals(new CallEnded(EndCause.CANCELLED, 487, EndCause.CANCELLED.description(), START),
        cancelled.event());
    // the adapter already answered 487: nothing more goes to SIP
    g.sip.expectNoMessage(Duration.ofMillis(50));
  }
}
