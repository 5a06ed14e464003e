package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.ReferTarget;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attended transfer on the wire, against SIPp (RFC 5589 7, RFC 3891): our REFER with Replaces,
 * a peer's REFER with Replaces carried into our INVITE, and an INVITE with Replaces taking a
 * call over (or refused: 481, 400). The call entity is a probe answering as the call would.
 */
class SipAttendedTransferTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final TestMediaEndpoints media = new TestMediaEndpoints();
  /** The dialog each call keeps, as it answers when asked. */
  private final Map<String, SipDialog> dialogs = new ConcurrentHashMap<>();
  /** Calls that answer Ended when asked. */
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private SipAdapter adapter;
  private int port;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    port = Sipp.freeUdpPort();
    SipSettings settings = SipSettings.of("127.0.0.1", port, "", "", "");
    // legs quiet for a second are checked with their call (the default is a minute)
    adapter = SipAdapter.start(KIT.system(), settings,
        new DialogSettings(Duration.ofSeconds(10), Duration.ofSeconds(1)),
        EntityMessenger.envelopes(calls.ref()), media,
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer(
            ended.contains(callId) ? "Ended" : dialogs.containsKey(callId) ? "Active" : "Idle",
            dialogs.get(callId))));
  }

  @AfterEach
  void stop() {
    adapter.close();
  }

  private ShardingEnvelope<CallCommand> envelope() {
    return calls.receiveMessage(WAIT);
  }

  private <T> T fact(Class<T> type) {
    ShardingEnvelope<CallCommand> e = envelope();
    return assertInstanceOf(type, e.message(), () -> "got " + e.message());
  }

  /** A call from sipp answered by our user; the envelope of its INVITE. */
  private ShardingEnvelope<CallCommand> answer() {
    ShardingEnvelope<CallCommand> e = envelope();
    CallCommand.SipInviteReceived invite =
        assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
    adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(), invite.offer()));
    return e;
  }

  /**
   * The call {@code callId} runs in dialog {@code old} (it answers so when asked): the Replaces
   * that names that dialog, seen from our side (our tag is the to-tag).
   */
  private String replacesOf(String callId, SipDialog old) {
    dialogs.put(callId, old);
    return old.callId() + ";to-tag=" + old.localTag() + ";from-tag=" + old.remoteTag();
  }

  @Test
  void ourReferCarriesTheOtherCallsDialogAsReplaces() throws Exception {
    try (Sipp transferee = Sipp.uas("uas_transferee_replaces", 60000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
          CallIds.localTagFor(callId, 1), "sip:alice@127.0.0.1",
          "sip:uas@127.0.0.1:" + transferee.port);
      dialogs.put(callId, dialog); // the call runs: the quick idle check leaves its leg alone
      adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("alice"),
          Party.sip(dialog.remoteUri())));
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      SipDialog confirmed = dialog.established(answered.remoteTag(), answered.remoteTarget(),
          answered.routeSet()).nextLocalCseq();
      // what the call sends for transfer {"replaces": <the call with bob>} (AttendedTransferTest)
      String referTo = new ReferTarget("sip:bob@127.0.0.1:5999",
          new Replaces("b-call@pbx", "bob-tag", "gw-tag", false)).referToUri();
      adapter.port().tell(new SipLegCommand.Refer(callId, confirmed, referTo));
      // sipp checked the Refer-To with its regexp before its 202 and NOTIFY 200
      assertEquals(new CallCommand.SipTransferProgress(200),
          fact(CallCommand.SipTransferProgress.class));
      adapter.port().tell(new SipLegCommand.Bye(callId, confirmed.nextLocalCseq(),
          EndCause.TRANSFERRED));
      transferee.assertByeAnswered();
      assertTrue(transferee.messages().contains("Refer-To: <" + referTo + ">"),
          transferee.where());
    }
  }

  @Test
  void aPeersReferWithReplacesPutsItInOurInviteAndNothingElse() throws Exception {
    try (Sipp target = Sipp.uas("uas_answer", 60000);
        Sipp transferor = Sipp.uac("uac_refer", port, "alice", 300, "-key", "refer_to",
            "sip:carol@127.0.0.1:" + target.port + "?Route=%3Csip:evil.example%3Blr%3E"
                + "&Replaces=c-call%40pbx%3Bto-tag%3Dcarol%3Bfrom-tag%3Dbob&Call-ID=x%40evil")) {
      ShardingEnvelope<CallCommand> e = answer();
      String callId = e.entityId();
      SipDialog inbound = ((CallCommand.SipInviteReceived) e.message()).dialog();
      dialogs.put(callId, inbound);
      CallCommand.SipReferReceived refer = fact(CallCommand.SipReferReceived.class);
      // as the call reads it (TransferHandlers.referred)
      ReferTarget t = ReferTarget.parse(refer.referTo());
      assertEquals("sip:carol@127.0.0.1:" + target.port, t.uri());
      assertEquals(new Replaces("c-call@pbx", "carol", "bob", false), t.replaces());
      SipDialog old = inbound.withRemoteCseq(refer.cseq()).nextLocalCseq();
      adapter.port().tell(new SipLegCommand.NotifyTransferProgress(callId, old, 100));
      SipDialog newLeg = SipDialog.outgoing(CallIds.sipCallIdFor(callId, 2),
          CallIds.localTagFor(callId, 2), "sip:alice@127.0.0.1", t.uri());
      adapter.port().tell(new SipLegCommand.Invite(callId, newLeg, Party.rtc("alice"),
          Party.sip(t.uri()), t.replaces()));
      assertEquals(180, fact(CallCommand.SipProvisional.class).status());
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      adapter.port().tell(new SipLegCommand.NotifyTransferProgress(callId,
          old.nextLocalCseq(), 200));
      // the transferor hangs up its dialog once the NOTIFY says the transfer is done
      assertEquals(inbound.callId(), fact(CallCommand.SipByeReceived.class).sipCallId());
      assertEquals(0, transferor.await(30), transferor.where());
      adapter.port().tell(new SipLegCommand.Bye(callId, newLeg.established(answered.remoteTag(),
          answered.remoteTarget(), answered.routeSet()).nextLocalCseq(), EndCause.LOCAL_HANGUP));
      target.assertByeAnswered();
      String invite = target.messages();
      invite = invite.substring(invite.indexOf("INVITE sip:"));
      invite = invite.substring(0, invite.indexOf("\n\n") > 0 ? invite.indexOf("\n\n")
          : invite.length());
      assertTrue(invite.startsWith("INVITE sip:carol@127.0.0.1:" + target.port + " SIP/2.0"),
          invite);
      assertTrue(invite.contains("Replaces: c-call@pbx;to-tag=carol;from-tag=bob"), invite);
      assertFalse(invite.contains("evil"), invite);
    }
  }

  @Test
  void anInviteWithReplacesTakesTheCallOver() throws Exception {
    try (Sipp caller = Sipp.uac("uac_call_wait_bye", port, "alice", 1000)) {
      ShardingEnvelope<CallCommand> e = answer();
      String callId = e.entityId();
      SipDialog old = ((CallCommand.SipInviteReceived) e.message()).dialog();
      String replaces = replacesOf(callId, old);
      try (Sipp carol = Sipp.uac("uac_replaces", port, "alice", 500, "-key", "replaces",
          replaces)) {
        ShardingEnvelope<CallCommand> taken = envelope();
        assertEquals(callId, taken.entityId(), "routed to the call the Replaces names");
        CallCommand.SipReplacingInviteReceived invite = assertInstanceOf(
            CallCommand.SipReplacingInviteReceived.class, taken.message());
        assertTrue(invite.replaces().names(old), invite.replaces().toString());
        assertEquals("PCMA", invite.offer().codec());
        assertEquals(callId, CallIds.fromReplacingTag(invite.dialog().localTag()).orElseThrow());
        // what the call does (AttendedTransferTest): 200 in the new dialog, BYE in the old
        adapter.port().tell(new SipLegCommand.Accept(callId, invite.dialog(), invite.offer()));
        adapter.port().tell(new SipLegCommand.Bye(callId, old.nextLocalCseq(),
            EndCause.TRANSFERRED));
        assertEquals(0, caller.await(30), "the old party got our BYE: " + caller.where());
        // carol's BYE, in a dialog with its own Call-ID, reaches the call by our To-tag
        ShardingEnvelope<CallCommand> bye = envelope();
        assertEquals(callId, bye.entityId());
        assertEquals(invite.dialog().callId(),
            assertInstanceOf(CallCommand.SipByeReceived.class, bye.message()).sipCallId());
        assertEquals(0, carol.await(30), carol.where());
        // the call's RTP now goes to carol's offer
        Matcher offered = Pattern.compile("m=audio (\\d+) RTP/AVP 8 101")
            .matcher(carol.messages());
        assertTrue(offered.find(), carol.where());
        assertEquals(Integer.parseInt(offered.group(1)), media.remote.get(callId).getPort());
        assertTrue(carol.messages().contains("SIP/2.0 200 OK"), carol.where());
      }
    }
  }

  /**
   * The call ends in the instant after the adapter checked an INVITE with Replaces against it:
   * the check of its quiet leg finds the call over and drops the leg, and the INVITE waiting in
   * it must still get a final answer (it waited unanswered until the caller gave up before).
   */
  @Test
  void anInviteWithReplacesWaitingWhenItsCallIsFoundOverIsAnswered() throws Exception {
    try (Sipp caller = Sipp.uac("uac_call_wait_bye", port, "alice", 1000)) {
      ShardingEnvelope<CallCommand> e = answer();
      String callId = e.entityId();
      SipDialog old = ((CallCommand.SipInviteReceived) e.message()).dialog();
      String replaces = replacesOf(callId, old);
      try (Sipp carol = Sipp.uac("uac_replaces", port, "alice", 0, "-key", "replaces",
          replaces)) {
        assertInstanceOf(CallCommand.SipReplacingInviteReceived.class, envelope().message());
        ended.add(callId); // the call ended meanwhile; its own answer to the INVITE comes late
        assertEquals(0, carol.await(10), carol.where());
        assertTrue(carol.messages().contains("SIP/2.0 481"), carol.where());
      }
    }
  }

  @Test
  void anInviteWithReplacesOfNoDialogGets481() throws Exception {
    try (Sipp carol = Sipp.uac("uac_replaces", port, "alice", 0, "-key", "replaces",
        "nosuch@pbx.example;to-tag=a1;from-tag=b2")) {
      assertEquals(0, carol.await(30), carol.where());
      assertTrue(carol.messages().contains("SIP/2.0 481"), carol.where());
      calls.expectNoMessage(Duration.ofMillis(200));
    }
  }

  @Test
  void anInviteWithAMalformedReplacesGets400() throws Exception {
    try (Sipp carol = Sipp.uac("uac_replaces", port, "alice", 0, "-key", "replaces",
        "nosuch@pbx.example;to-tag=a1")) {
      assertEquals(0, carol.await(30), carol.where());
      assertTrue(carol.messages().contains("SIP/2.0 400"), carol.where());
      calls.expectNoMessage(Duration.ofMillis(200));
    }
  }

  @Test
  void anInviteWithReplacesWithoutAFromTagGets400() throws Exception {
    try (RawSip caller = new RawSip(port)) {
      String sipCallId = "notag-" + System.nanoTime() + "@127.0.0.1";
      String invite = caller.invite("alice", sipCallId)
          .replace(";tag=" + RawSip.fromTag(sipCallId), "")
          .replace("Max-Forwards: 70\r\n",
              "Max-Forwards: 70\r\nReplaces: c@pbx;to-tag=a1;from-tag=b2\r\n");
      String answer = caller.requestUntil(invite, "SIP/2.0 4");
      assertNotNull(answer, "a final answer");
      assertTrue(answer.startsWith("SIP/2.0 400"), answer);
      calls.expectNoMessage(Duration.ofMillis(200));
    }
  }
}
