package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.NODE;
import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.Answer;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallEvent.CallCancelling;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Calls whose RTC leg is a browser's WebRTC leg: the offer goes to the call's media, which
 * answers the client; a leg that fails ends the call like a user who left, with its own cause;
 * a browser's call recovered on another node (which cannot have its leg) re-anchors its SIP side
 * and waits for the browser's new offer, and ends the same way when none comes in time.
 */
class BrowserLegCallTest {
  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.manualTimeConfig());
  private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
  private static final String OFFER = "v=0\r\n(an offer the signaling server checked)\r\n";
  private static final Duration SOON = Duration.ofSeconds(3);

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void anOfferedCallLetsTheMediaAnswerTheClient() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    TestProbe<CallReply> client = TEST_KIT.createTestProbe();
    // the call dials once its user session admits it, after the command was taken
    f.kit.runCommand(new PlaceCall(UID, "room-1", "+4930123456", OFFER, client.ref()));
    assertEquals(new MediaCommand.Prepare(f.callId, new RtcLeg("room-1", UID, true),
        CallDirection.OUTBOUND, new MediaCommand.BrowserOffer(OFFER, client.ref())),
        f.media.receiveMessage());
    assertInstanceOf(SipLegCommand.Invite.class, f.sip.receiveMessage());
    assertInstanceOf(CallState.Dialing.class, f.state());
    // the reply, with the SDP answer, is the media's to give
    client.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void answeringWithAnOfferStartsTheBrowserLegWhichAnswersTheClient() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-1"));
    f.clearProbes();
    TestProbe<CallReply> client = TEST_KIT.createTestProbe();
    var answered = f.kit.runCommand(new Answer(UID, OFFER, client.ref()));
    assertInstanceOf(CallEvent.CallAnswered.class, answered.event());
    assertInstanceOf(SipLegCommand.Accept.class, f.sip.receiveMessage());
    assertEquals(new MediaCommand.Start(f.callId,
        new RtcLeg(CallIds.rtcChannelFor(f.callId), UID, true), NegotiatedMedia.pcma(),
        new MediaCommand.BrowserOffer(OFFER, client.ref())), f.media.receiveMessage());
    assertTrue(f.info().rtc().browser(), "the call's RTC leg is the browser's from now on");
    assertEquals(new ClientNotification.Answered(UID, f.callId), f.clients.receiveMessage());
    client.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aBrowserLegThatFailsBeforeTheAnswerCancelsTheInvite() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ringing.class);
    var failed = f.kit.runCommand(new RtcMediaFailed("no ICE connectivity check"));
    assertEquals(new CallCancelling(EndCause.RTC_MEDIA_FAILED, START.plusSeconds(32), START),
        failed.event());
    SipLegCommand.Cancel cancel = assertInstanceOf(SipLegCommand.Cancel.class,
        f.sip.receiveMessage());
    assertEquals(EndCause.RTC_MEDIA_FAILED, cancel.cause());
  }

  @Test
  void aBrowserLegThatFailsInTheCallEndsItWithABye() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var failed = f.kit.runCommand(new RtcMediaFailed("DTLS handshake failed"));
    assertEquals(new CallEnded(EndCause.RTC_MEDIA_FAILED, 200,
        EndCause.RTC_MEDIA_FAILED.description(), START), failed.event());
    SipLegCommand.Bye bye = assertInstanceOf(SipLegCommand.Bye.class, f.sip.receiveMessage());
    assertEquals(EndCause.RTC_MEDIA_FAILED, bye.cause());
    assertEquals(new MediaCommand.Stop(f.callId), f.media.receiveMessage());
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.RTC_MEDIA_FAILED, 200),
        f.clients.receiveMessage());
  }

  /** An outbound call placed from a browser (the media's reply to the client is not awaited). */
  private static CallFixture browserCall() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    TestProbe<CallReply> client = TEST_KIT.createTestProbe();
    f.kit.runCommand(new PlaceCall(UID, "room-1", "+4930123456", OFFER, client.ref()));
    return f;
  }

  private static void assertEndedForTheLostLeg(CallFixture f) {
    SipLegCommand.Bye bye = f.sip.expectMessageClass(SipLegCommand.Bye.class, SOON);
    assertEquals(EndCause.RTC_MEDIA_FAILED, bye.cause());
    assertEquals(new MediaCommand.Stop(f.callId),
        f.media.expectMessageClass(MediaCommand.Stop.class, SOON));
    f.media.expectNoMessage(Duration.ofMillis(100)); // no Reanchor: no leg to rejoin
    assertEquals(new ClientNotification.Ended(UID, f.callId, EndCause.RTC_MEDIA_FAILED, 200),
        f.clients.expectMessageClass(ClientNotification.Ended.class, SOON));
    assertInstanceOf(CallState.Ended.class, f.state());
  }

  @Test
  void anEstablishedBrowserCallRecoveredElsewhereReanchorsAndAsksTheBrowserToOfferAgain() {
    CallFixture f = browserCall();
    f.fact(CallFixture.answered());
    f.clearProbes();
    f.kit.restart();
    // the SIP side moves at once; the browser learns that its leg is gone
    assertEquals(new RtcLeg("room-1", UID, true),
        f.media.expectMessageClass(MediaCommand.Reanchor.class, SOON).rtc());
    f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
    assertEquals(new ClientNotification.RtcMoved(UID, f.callId, null, true),
        f.clients.expectMessageClass(ClientNotification.RtcMoved.class, SOON));
    TestProbe<CallReply> browser = TEST_KIT.createTestProbe();
    var reoffer = f.kit.runCommand(new CallCommand.Reoffer(UID, OFFER, browser.ref()));
    assertTrue(reoffer.hasNoEvents());
    assertEquals(new MediaCommand.BrowserReoffer(f.callId, new RtcLeg("room-1", UID, true),
        new MediaCommand.BrowserOffer(OFFER, browser.ref())), f.media.receiveMessage());
    browser.expectNoMessage(Duration.ofMillis(100)); // the media answers, with its SDP
    assertInstanceOf(CallState.Active.class, f.state());
  }

  @Test
  void aRecoveredBrowserCallThatGetsNoNewOfferInTimeEnds() {
    CallSettings quick = new CallSettings(Duration.ofSeconds(60), Duration.ofSeconds(120),
        Duration.ofSeconds(32), "gw.example", false, Duration.ofMillis(300));
    CallFixture f = new CallFixture(TEST_KIT, false, quick);
    f.kit.runCommand(new PlaceCall(UID, "room-1", "+4930123456", OFFER,
        TEST_KIT.<CallReply>createTestProbe().ref()));
    f.fact(CallFixture.answered());
    f.clearProbes();
    f.kit.restart();
    f.media.expectMessageClass(MediaCommand.Reanchor.class, SOON);
    f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
    f.clients.expectMessageClass(ClientNotification.RtcMoved.class, SOON);
    TIME.timePasses(Duration.ofMillis(299));
    f.sip.expectNoMessage(Duration.ofMillis(100));
    TIME.timePasses(Duration.ofMillis(1));
    assertEndedForTheLostLeg(f);
  }

  @Test
  void aRecoveredBrowserCallThatGetsItsNewOfferInTimeGoesOn() {
    CallSettings quick = new CallSettings(Duration.ofSeconds(60), Duration.ofSeconds(120),
        Duration.ofSeconds(32), "gw.example", false, Duration.ofMillis(300));
    CallFixture f = new CallFixture(TEST_KIT, false, quick);
    f.kit.runCommand(new PlaceCall(UID, "room-1", "+4930123456", OFFER,
        TEST_KIT.<CallReply>createTestProbe().ref()));
    f.fact(CallFixture.answered());
    f.clearProbes();
    f.kit.restart();
    f.kit.runCommand(new CallCommand.Reoffer(UID, OFFER,
        TEST_KIT.<CallReply>createTestProbe().ref()));
    f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
    TIME.timePasses(Duration.ofSeconds(1));
    f.sip.expectNoMessage(Duration.ofMillis(100)); // no Bye after the 300 ms wait
    assertInstanceOf(CallState.Active.class, f.state());
  }

  @Test
  void aReofferForACallWithoutABrowserIsRejected() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    f.clearProbes();
    var reoffer = f.kit.<CallReply>runCommand(r -> new CallCommand.Reoffer(UID, OFFER, r));
    assertInstanceOf(CallReply.Rejected.class, reoffer.reply());
    assertTrue(reoffer.hasNoEvents());
    f.media.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aRingingBrowserCallRecoveredElsewhereIsCancelled() {
    CallFixture f = browserCall();
    f.fact(new SipProvisional(180, "peer-tag", null));
    f.clearProbes();
    f.kit.restart();
    SipLegCommand.Cancel cancel = f.sip.expectMessageClass(SipLegCommand.Cancel.class, SOON);
    assertEquals(EndCause.RTC_MEDIA_FAILED, cancel.cause());
    assertInstanceOf(CallState.Cancelling.class, f.state());
  }

  @Test
  void anInboundCallAnsweredInABrowserRecoveredElsewhereWaitsForTheBrowser() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-1"));
    f.kit.runCommand(new Answer(UID, OFFER, TEST_KIT.<CallReply>createTestProbe().ref()));
    f.clearProbes();
    f.kit.restart();
    f.media.expectMessageClass(MediaCommand.Reanchor.class, SOON);
    assertTrue(f.clients.expectMessageClass(ClientNotification.RtcMoved.class, SOON).browser());
  }

  @Test
  void aCallAnsweredWithoutABrowserStillReanchors() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Routing.class);
    f.kit.runCommand(new CalleeOnline(UID, NODE, "conn-1"));
    f.client(r -> new Answer(UID, r));
    f.clearProbes();
    f.kit.restart();
    f.media.expectMessageClass(MediaCommand.Reanchor.class, SOON);
  }

  @Test
  void aReferredBrowserCallWhoseLegFailsCancelsTheNewLegAndHangsUp() {
    CallFixture f = browserCall();
    f.fact(CallFixture.answered());
    f.fact(new SipReferReceived(2, "sip:carol@pbx.example", "sip:callee@pbx.example"));
    f.clearProbes();
    f.kit.runCommand(new RtcMediaFailed("the browser stopped answering ICE checks"));
    SipLegCommand.Cancel cancel = f.sip.expectMessageClass(SipLegCommand.Cancel.class, SOON);
    assertEquals(EndCause.RTC_MEDIA_FAILED, cancel.cause());
    SipLegCommand.Bye bye = f.sip.expectMessageClass(SipLegCommand.Bye.class, SOON);
    assertEquals(EndCause.RTC_MEDIA_FAILED, bye.cause());
    assertInstanceOf(CallState.Ended.class, f.state());
  }
}
