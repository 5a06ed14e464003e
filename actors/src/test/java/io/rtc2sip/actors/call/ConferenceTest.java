package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.START;
import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.assertAccepted;
import static io.rtc2sip.actors.call.CallFixture.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.Conference;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.MediaDtmfReceived;
import io.rtc2sip.actors.call.CallCommand.RemoveParty;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.PartyInvited;
import io.rtc2sip.actors.call.CallEvent.PartyJoined;
import io.rtc2sip.actors.call.CallEvent.PartyLeft;
import io.rtc2sip.actors.call.CallState.Conferencing;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import io.rtc2sip.actors.user.UserCommand;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.dialplan.DialPlans;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Conferences: the RTC user adds SIP parties to its answered call (each a new dialog of the call),
 * who join, leave by BYE or removal, and survive recovery as events.
 */
class ConferenceTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());
  private static final String BOB = "sip:bob@pbx.example";
  private static final String CAROL = "sip:carol@pbx.example";
  private static final Duration SOON = Duration.ofSeconds(3);

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private static SipAnswered answer(String tag) {
    return new SipAnswered(tag, "sip:" + tag + "@10.0.0.3", List.of(), NegotiatedMedia.pcma());
  }

  /** An outbound call to TARGET (party 1) with BOB joined as party 2. */
  private static CallFixture withBobJoined() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    assertAccepted(f.client(r -> new Conference(UID, BOB, r)));
    f.fact(answer("bob-tag"));
    f.clearProbes();
    return f;
  }

  @Test
  void aPartyIsInvitedInANewDialogAndJoins() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Active.class);
    var invited = f.kit.<CallReply>runCommand(r -> new Conference(UID, BOB, r));
    assertAccepted(invited.reply());
    PartyInvited event = (PartyInvited) invited.event();
    assertEquals(2, event.party());
    assertEquals(BOB, event.target());
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), event.dialog().callId());
    Conferencing inviting = assertInstanceOf(Conferencing.class, invited.state());
    assertEquals(1, inviting.ownParty());
    assertEquals(2, inviting.inviting().id());
    // the party's SIP leg and media are its own on the node: keyed call/2
    assertEquals(new SipLegCommand.Invite(CallIds.partyLeg(f.callId, 2), event.dialog(),
        Party.rtc(UID),
        Party.sip(BOB)), f.sip.receiveMessage());
    assertEquals(new ClientNotification.PartyInvited(UID, f.callId, 2, BOB),
        f.clients.receiveMessage());

    var joined = f.kit.runCommand(answer("bob-tag"));
    PartyJoined join = (PartyJoined) joined.event();
    assertEquals(2, join.party());
    assertEquals("bob-tag", join.dialog().remoteTag());
    assertEquals(NegotiatedMedia.pcma(), join.media());
    Conferencing conf = assertInstanceOf(Conferencing.class, joined.state());
    assertNull(conf.inviting());
    assertTrue(conf.party(2).joined());
    // the call's own dialog is untouched
    assertEquals(CallIds.sipCallIdFor(f.callId), conf.info().dialog().callId());
    assertEquals(new MediaCommand.AddParty(f.callId, 2, NegotiatedMedia.pcma()),
        f.media.receiveMessage());
    assertEquals(new ClientNotification.PartyJoined(UID, f.callId, 2, BOB),
        f.clients.receiveMessage());
  }

  @Test
  void conferencesOffAreRejectedAsBefore() {
    CallFixture f = new CallFixture(TEST_KIT, false, CallFixture.SETTINGS.withConference(false));
    f.reach(CallState.Active.class);
    var refused = f.kit.<CallReply>runCommand(r -> new Conference(UID, BOB, r));
    assertEquals("conference calls are not supported", rejection(refused.reply()));
    assertTrue(refused.hasNoEvents());
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void theDialPlanBoundsThePartiesAUserMayAdd() {
    DialPlans onePartyEach = DialPlans.of(new DialPlan(List.of(Pattern.compile(".*")), List.of(),
        0, 0, 1), CallFixture.SETTINGS.sipDomain());
    CallFixture f = new CallFixture(TEST_KIT, false, CallFixture.SETTINGS, onePartyEach, null);
    f.reach(CallState.Active.class);
    assertAccepted(f.client(r -> new Conference(UID, BOB, r)));
    f.fact(answer("bob-tag"));
    f.clearProbes();
    var second = f.kit.<CallReply>runCommand(r -> new Conference(UID, CAROL, r));
    CallReply.Rejected refused = assertInstanceOf(CallReply.Rejected.class, second.reply());
    assertEquals(DialPlan.TOO_MANY_CALLS, refused.code());
    assertTrue(refused.reason().contains("allows 1 added conference parties"), refused.reason());
    assertTrue(second.hasNoEvents());
    f.sip.expectNoMessage(Duration.ofMillis(50));

    DialPlans none = DialPlans.of(new DialPlan(List.of(Pattern.compile(".*")), List.of(), 0, 0,
        0), CallFixture.SETTINGS.sipDomain());
    CallFixture g = new CallFixture(TEST_KIT, false, CallFixture.SETTINGS, none, null);
    g.reach(CallState.Active.class);
    var first = g.kit.<CallReply>runCommand(r -> new Conference(UID, BOB, r));
    assertEquals(DialPlan.TOO_MANY_CALLS,
        assertInstanceOf(CallReply.Rejected.class, first.reply()).code());
    assertTrue(first.hasNoEvents());
  }

  /** An outbound call under a plan of {@code perMinute} calls a minute, answered. */
  private static CallFixture limitedTo(int perMinute) {
    DialPlans plan = DialPlans.of(new DialPlan(List.of(Pattern.compile(".*")), List.of(), 0,
        perMinute), CallFixture.SETTINGS.sipDomain());
    CallFixture f = new CallFixture(TEST_KIT, false, CallFixture.SETTINGS, plan, null);
    f.reach(CallState.Active.class);
    f.clearProbes();
    return f;
  }

  /** A {@code conference} waiting for the user session: the client's probe and the question. */
  private record Waiting(TestProbe<CallReply> client, UserCommand.AdmitParty admit) {}

  /** The user asks to add {@code target}; nothing happens but the user session is asked. */
  private static Waiting waitingForAdmission(CallFixture f, String target) {
    TestProbe<CallReply> client = TEST_KIT.createTestProbe();
    assertTrue(f.kit.runCommand(new Conference(UID, target, client.ref())).hasNoEvents());
    UserCommand.AdmitParty admit = f.userMessage(UserCommand.AdmitParty.class);
    f.sip.expectNoMessage(Duration.ofMillis(50));
    client.expectNoMessage(Duration.ZERO);
    return new Waiting(client, admit);
  }

  @Test
  void underAPerMinuteLimitEachPartyIsAdmittedByTheUserSessionFirst() {
    CallFixture f = limitedTo(10);
    Waiting bob = waitingForAdmission(f, BOB);
    assertEquals(f.callId, bob.admit().callId());
    assertEquals(2, bob.admit().party());
    // one at a time: a second request meanwhile is refused
    var meanwhile = f.kit.<CallReply>runCommand(r -> new Conference(UID, CAROL, r));
    assertTrue(rejection(meanwhile.reply()).contains("being admitted"), rejection(meanwhile.reply()));

    var allowed = f.kit.runCommand(new CallCommand.PartyAllowed(2, bob.admit().request()));
    assertEquals(2, ((PartyInvited) allowed.event()).party());
    assertAccepted(bob.client().receiveMessage());
    assertInstanceOf(SipLegCommand.Invite.class, f.sip.receiveMessage());
    f.fact(answer("bob-tag"));

    // the user session refuses the next one (its minute is full): nothing is made
    Waiting carol = waitingForAdmission(f, CAROL);
    assertEquals(3, carol.admit().party());
    var refused = f.kit.runCommand(new CallCommand.PartyRefused(3, carol.admit().request(),
        DialPlan.CALL_RATE_EXCEEDED, UID + " started 10 calls and parties in the last minute"));
    assertTrue(refused.hasNoEvents());
    CallReply.Rejected rejected = assertInstanceOf(CallReply.Rejected.class,
        carol.client().receiveMessage());
    assertEquals(DialPlan.CALL_RATE_EXCEEDED, rejected.code());
    f.sip.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1, assertInstanceOf(Conferencing.class, f.state()).parties().size());
    // a decision with none waiting changes nothing
    assertTrue(f.kit.runCommand(new CallCommand.PartyAllowed(3, carol.admit().request()))
        .hasNoEvents());
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aLateDecisionForAnEarlierRequestIsNotTakenForTheOneWaiting() {
    CallFixture f = limitedTo(10);
    Waiting first = waitingForAdmission(f, BOB);
    // the user session did not answer in time (the call's timer): the client is told so
    f.kit.runCommand(new CallCommand.PartyRefused(2, first.admit().request(),
        Placement.UNAVAILABLE, "the user session did not answer in time"));
    assertEquals(Placement.UNAVAILABLE, assertInstanceOf(CallReply.Rejected.class,
        first.client().receiveMessage()).code());
    Waiting retry = waitingForAdmission(f, BOB);
    // the first request's answer comes late: it is not the retry's
    assertTrue(f.kit.runCommand(new CallCommand.PartyAllowed(2, first.admit().request()))
        .hasNoEvents());
    retry.client().expectNoMessage(Duration.ofMillis(50));
    f.sip.expectNoMessage(Duration.ZERO);
    var allowed = f.kit.runCommand(new CallCommand.PartyAllowed(2, retry.admit().request()));
    assertEquals(2, ((PartyInvited) allowed.event()).party());
    assertAccepted(retry.client().receiveMessage());
  }

  @Test
  void aPartyAdmittedAfterTheCallWasHeldIsNotInvited() {
    CallFixture f = limitedTo(10);
    Waiting bob = waitingForAdmission(f, BOB);
    assertAccepted(f.client(r -> new CallCommand.Hold(UID, r)));
    assertInstanceOf(CallState.Held.class, f.state());
    f.clearProbes();
    var late = f.kit.runCommand(new CallCommand.PartyAllowed(2, bob.admit().request()));
    assertTrue(late.hasNoEvents());
    assertTrue(rejection(bob.client().receiveMessage()).contains("no party added"));
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void theCallsEndAnswersAPartyStillWaitingForItsAdmission() {
    CallFixture f = limitedTo(10);
    Waiting bob = waitingForAdmission(f, BOB);
    // the SIP party hangs up before the user session decided: the entity ends and passivates,
    // where a decision would not reach it; the request is answered by the end
    f.fact(new SipByeReceived(CallIds.sipCallIdFor(f.callId), 2, ""));
    assertInstanceOf(CallState.Ended.class, f.state());
    assertEquals("the call ended", rejection(bob.client().receiveMessage()));
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void oneInvitationAtATime() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(Conferencing.class);
    var second = f.kit.<CallReply>runCommand(r -> new Conference(UID, BOB, r));
    assertTrue(rejection(second.reply()).contains("being invited"));
    assertTrue(second.hasNoEvents());
  }

  @Test
  void aSecondPartyGetsTheNextLegAndEightIsTheLimit() {
    CallFixture f = withBobJoined();
    for (int party = 3; party <= 7; party++) {
      var invited = f.kit.<CallReply>runCommand(r -> new Conference(UID, CAROL, r));
      assertEquals(party, ((PartyInvited) invited.event()).party());
      f.fact(answer("tag-" + party));
    }
    // the user, party 1 and parties 2-7: eight
    var ninth = f.kit.<CallReply>runCommand(r -> new Conference(UID, CAROL, r));
    assertTrue(rejection(ninth.reply()).contains("at most 8"));
    assertTrue(ninth.hasNoEvents());
  }

  @Test
  void anInvitationThatFailsLeavesTheCallAsItWas() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(Conferencing.class);
    var failed = f.kit.runCommand(new SipFailed(486, "Busy Here"));
    assertEquals(new PartyLeft(2, 486, START), failed.event());
    CallState.Active active = assertInstanceOf(CallState.Active.class, failed.state());
    assertEquals(CallIds.sipCallIdFor(f.callId), active.info().dialog().callId());
    assertEquals(2, active.info().sipLegs());
    assertEquals(new ClientNotification.PartyLeft(UID, f.callId, 2, "sip:carol@pbx.example", 486),
        f.clients.receiveMessage());
  }

  @Test
  void anAddedPartysByeLeavesTheOthersTalking() {
    CallFixture f = withBobJoined();
    var left = f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId, 2), 1, ""));
    assertEquals(new PartyLeft(2, 200, START), left.event());
    assertInstanceOf(CallState.Active.class, left.state());
    assertEquals(new MediaCommand.RemoveParty(f.callId, 2), f.media.receiveMessage());
    assertEquals(new ClientNotification.PartyLeft(UID, f.callId, 2, BOB, 200),
        f.clients.receiveMessage());
    f.sip.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void whenTheCallsOwnPartyHangsUpTheFirstJoinedTakesItsPlace() {
    CallFixture f = withBobJoined();
    var left = f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId), 3, ""));
    assertEquals(new PartyLeft(1, 200, START), left.event());
    CallState.Active active = assertInstanceOf(CallState.Active.class, left.state());
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), active.info().dialog().callId());
    assertEquals(Party.sip(BOB), active.info().callee());
    assertEquals(NegotiatedMedia.pcma(), active.info().media());
    assertEquals(new ClientNotification.PartyLeft(UID, f.callId, 1, CallFixture.TARGET, 200),
        f.clients.receiveMessage());
    // and Bob's BYE now ends the call
    var ended = f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId, 2), 2, ""));
    assertEquals(EndCause.REMOTE_HANGUP, ((CallEnded) ended.event()).cause());
  }

  @Test
  void theUserRemovesAPartyWithABye() {
    CallFixture f = withBobJoined();
    var removed = f.kit.<CallReply>runCommand(r -> new RemoveParty(UID, 2, r));
    assertAccepted(removed.reply());
    assertEquals(new PartyLeft(2, 200, START), removed.event());
    SipLegCommand.Bye bye = (SipLegCommand.Bye) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), bye.dialog().callId());
    assertEquals(CallIds.partyLeg(f.callId, 2), bye.callId());
    assertEquals(new MediaCommand.RemoveParty(f.callId, 2), f.media.receiveMessage());
    assertEquals(new ClientNotification.PartyLeft(UID, f.callId, 2, BOB, 200),
        f.clients.receiveMessage());
    var unknown = f.kit.<CallReply>runCommand(r -> new RemoveParty(UID, 2, r));
    assertTrue(unknown.hasNoEvents());
    assertInstanceOf(CallReply.Rejected.class, unknown.reply());
  }

  @Test
  void removingAnInvitedPartyCancelsItsInvite() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(Conferencing.class);
    var removed = f.kit.<CallReply>runCommand(r -> new RemoveParty(UID, 2, r));
    assertAccepted(removed.reply());
    assertEquals(new PartyLeft(2, 487, START), removed.event());
    SipLegCommand.Cancel cancel = (SipLegCommand.Cancel) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), cancel.dialog().callId());
    assertEquals(CallIds.partyLeg(f.callId, 2), cancel.callId());
    // its reserved port is freed
    f.media.expectMessage(new MediaCommand.RemoveParty(f.callId, 2));
  }

  @Test
  void theLastSipPartyCannotBeRemoved() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(Conferencing.class);
    var refused = f.kit.<CallReply>runCommand(r -> new RemoveParty(UID, 1, r));
    assertTrue(rejection(refused.reply()).contains("hang up instead"));
    assertTrue(refused.hasNoEvents());
  }

  @Test
  void hangingUpEndsEveryDialog() {
    CallFixture f = withBobJoined();
    f.client(r -> new Conference(UID, CAROL, r));
    f.clearProbes();
    var ended = f.kit.<CallReply>runCommand(r -> new Hangup(UID, r));
    assertAccepted(ended.reply());
    assertEquals(EndCause.LOCAL_HANGUP, ((CallEnded) ended.event()).cause());
    SipLegCommand.Bye bob = (SipLegCommand.Bye) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), bob.dialog().callId());
    SipLegCommand.Cancel carol = (SipLegCommand.Cancel) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId, 3), carol.dialog().callId());
    assertEquals(CallIds.partyLeg(f.callId, 3), carol.callId());
    SipLegCommand.Bye own = (SipLegCommand.Bye) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId), own.dialog().callId());
    assertEquals(f.callId, own.callId());
    assertEquals(new MediaCommand.Stop(f.callId), f.media.receiveMessage());
  }

  @Test
  void theUsersDigitsGoInTheMediaToEveryParty() {
    CallFixture f = withBobJoined();
    var sent = f.kit.<CallReply>runCommand(r -> new CallCommand.SendDtmf(UID, "12#", r));
    assertAccepted(sent.reply());
    assertTrue(sent.hasNoEvents());
    assertEquals(new MediaCommand.SendDtmf(f.callId, "12#", CallActions.DTMF_DURATION_MS),
        f.media.receiveMessage());
    f.sip.expectNoMessage(Duration.ofMillis(50));
    var bad = f.kit.<CallReply>runCommand(r -> new CallCommand.SendDtmf(UID, "x", r));
    assertInstanceOf(CallReply.Rejected.class, bad.reply());
  }

  @Test
  void aPartysDigitsGoToTheUserOnly() {
    CallFixture f = withBobJoined();
    var dtmf = f.kit.runCommand(new MediaDtmfReceived("7", 100));
    assertTrue(dtmf.hasNoEvents());
    assertEquals(new ClientNotification.DtmfReceived(UID, f.callId, "7"),
        f.clients.receiveMessage());
    f.sip.expectNoMessage(Duration.ofMillis(50));
    f.media.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aRecoveredConferenceReoffersEveryPartyAndDropsTheInvitation() {
    CallFixture f = withBobJoined();
    f.client(r -> new Conference(UID, CAROL, r));
    Conferencing before = (Conferencing) f.state();
    f.clearProbes();

    f.kit.restart();

    f.clients.expectMessageClass(ClientNotification.RtcMoved.class, SOON);
    assertEquals(new ClientNotification.PartyLeft(UID, f.callId, 3, CAROL, 408),
        f.clients.expectMessageClass(ClientNotification.PartyLeft.class, SOON));
    MediaCommand.Reanchor reanchor = f.media.expectMessageClass(MediaCommand.Reanchor.class, SOON);
    assertEquals(f.info().rtc(), reanchor.rtc());
    assertEquals(new MediaCommand.AddParty(f.callId, 2, NegotiatedMedia.pcma()),
        f.media.expectMessageClass(MediaCommand.AddParty.class, SOON));
    SipLegCommand.Reinvite own = f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
    assertEquals(CallIds.sipCallIdFor(f.callId), own.dialog().callId());
    assertEquals(f.callId, own.callId());
    SipLegCommand.Reinvite bob = f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), bob.dialog().callId());
    assertEquals(CallIds.partyLeg(f.callId, 2), bob.callId());
    assertEquals(before.party(2).dialog().localCseq() + 1, bob.dialog().localCseq());

    Conferencing after = assertInstanceOf(Conferencing.class, f.state());
    assertEquals(List.of(before.party(2).withDialog(bob.dialog())), after.parties());
    assertEquals(3, after.info().sipLegs());
    // and it all is in the journal: a second recovery finds the same membership
    f.kit.restart();
    Conferencing again = assertInstanceOf(Conferencing.class, f.state());
    assertEquals(after.parties().get(0).id(), again.parties().get(0).id());
  }

  @Test
  void aReceivedCallsOwnPartyIsNumberZeroAndTheFirstAddedOne() {
    CallFixture f = CallFixture.inbound(TEST_KIT);
    f.reach(CallState.Alerting.class);
    f.client(r -> new CallCommand.Answer(UID, r));
    var invited = f.kit.<CallReply>runCommand(r -> new Conference(UID, BOB, r));
    assertEquals(1, ((PartyInvited) invited.event()).party());
    Conferencing conf = assertInstanceOf(Conferencing.class, invited.state());
    assertEquals(0, conf.ownParty());
    assertEquals(CallIds.sipCallIdFor(f.callId, 1), conf.party(1).dialog().callId());
  }

  @Test
  void theOwnPartysByeBeforeAnyoneJoinedEndsTheCallAndCancelsTheInvitation() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(Conferencing.class);
    var ended = f.kit.runCommand(new SipByeReceived(CallIds.sipCallIdFor(f.callId), 3, ""));
    assertEquals(EndCause.REMOTE_HANGUP, ((CallEnded) ended.event()).cause());
    SipLegCommand.Cancel cancel = (SipLegCommand.Cancel) f.sip.receiveMessage();
    assertEquals(CallIds.sipCallIdFor(f.callId, 2), cancel.dialog().callId());
    f.sip.expectNoMessage(Duration.ofMillis(50)); // no BYE to the party that hung up
  }
}
