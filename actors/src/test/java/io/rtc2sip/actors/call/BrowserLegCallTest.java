package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.NODE;
import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.call.CallCommand.Answer;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
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
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Calls whose RTC leg is a browser's WebRTC leg: the offer goes to the call's media, which
 * answers the client; a leg that fails ends the call like a user who left, with its own cause.
 */
class BrowserLegCallTest {
  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final String OFFER = "v=0\r\n(an offer the signaling server checked)\r\n";

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void anOfferedCallLetsTheMediaAnswerTheClient() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    TestProbe<CallReply> client = TEST_KIT.createTestProbe();
    var placed = f.kit.runCommand(new PlaceCall(UID, "room-1", "+4930123456", OFFER,
        client.ref()));
    assertInstanceOf(CallEvent.CallDialed.class, placed.event());
    assertEquals(new MediaCommand.Prepare(f.callId, new RtcLeg("room-1", UID),
        CallDirection.OUTBOUND, new MediaCommand.BrowserOffer(OFFER, client.ref())),
        f.media.receiveMessage());
    assertInstanceOf(SipLegCommand.Invite.class, f.sip.receiveMessage());
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
    assertEquals(new MediaCommand.Start(f.callId, new RtcLeg(CallIds.rtcChannelFor(f.callId), UID),
        NegotiatedMedia.pcma(), new MediaCommand.BrowserOffer(OFFER, client.ref())),
        f.media.receiveMessage());
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
}
