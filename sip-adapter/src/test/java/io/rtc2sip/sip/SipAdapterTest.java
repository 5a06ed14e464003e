package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SIP adapter against real SIPp peers on loopback. The call entity is a probe: the test
 * reads the facts the adapter reports and answers with the commands a call would send.
 */
class SipAdapterTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final TestMediaEndpoints media = new TestMediaEndpoints();
  private final Map<String, String> states = new ConcurrentHashMap<>();
  /** The dialog each call keeps, as it answers when asked (a node without the call's leg). */
  private final Map<String, SipDialog> dialogs = new ConcurrentHashMap<>();
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
    adapter = SipAdapter.start(KIT.system(), settings, EntityMessenger.envelopes(calls.ref()),
        media, callId -> CompletableFuture.completedFuture(new CallQuery.Answer(
            states.getOrDefault(callId, "Active"), dialogs.get(callId))));
  }

  @AfterEach
  void stop() {
    adapter.close();
  }

  /** Bob calls the UAS: an INVITE in a new dialog of {@code callId}; the dialog it opened. */
  private SipDialog invite(String callId, Sipp uas) {
    return invite(callId, "sip:uas@127.0.0.1:" + uas.port);
  }

  /** Bob calls {@code target}: an INVITE in a new dialog of {@code callId}. */
  private SipDialog invite(String callId, String target) {
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", target);
    adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
        Party.sip(dialog.remoteUri())));
    return dialog;
  }

  /** The dialog the answer confirmed. */
  private static SipDialog confirmed(SipDialog dialog, CallCommand.SipAnswered answered) {
    return dialog.established(answered.remoteTag(), answered.remoteTarget(), answered.routeSet());
  }

  private <T> T fact(Class<T> type) {
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
    return assertInstanceOf(type, e.message(), () -> "got " + e.message());
  }

  private ShardingEnvelope<CallCommand> envelope() {
    return calls.receiveMessage(WAIT);
  }

  @Test
  void anInboundCallIsAnsweredAndTheCallerHangsUp() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_call_pcap", port, "alice", 1000)) {
      ShardingEnvelope<CallCommand> e = envelope();
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      String callId = e.entityId();
      assertTrue(callId.startsWith("i-"), callId);
      assertEquals("alice", invite.calleeUid());
      assertEquals("PCMA", invite.offer().codec());
      assertEquals(8, invite.offer().payloadType());
      assertEquals(101, invite.offer().telephoneEventPayloadType());
      assertEquals(CallIds.forInbound(invite.dialog().callId(), invite.dialog().remoteTag()),
          callId);
      adapter.port().tell(new SipLegCommand.Ring(callId, invite.dialog(), false));
      adapter.port().tell(new SipLegCommand.Accept(callId, invite.dialog(), invite.offer()));
      CallCommand.SipByeReceived bye = fact(CallCommand.SipByeReceived.class);
      assertEquals(invite.dialog().callId(), bye.sipCallId());
      assertEquals(0, sipp.await(30), sipp.where());
      String messages = sipp.messages();
      assertTrue(messages.contains("SIP/2.0 180 Ringing"), sipp.where());
      assertTrue(messages.contains("a=rtpmap:8 PCMA/8000"), "answer with PCMA: " + sipp.where());
    }
  }

  @Test
  void anInboundCallOverTcpIsAnsweredAndTheCallerHangsUp() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_call_pcap", port, "alice", 1000, "-t", "t1")) {
      ShardingEnvelope<CallCommand> e = envelope();
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
          invite.offer()));
      assertInstanceOf(CallCommand.SipByeReceived.class, envelope().message());
      assertEquals(0, sipp.await(30), sipp.where());
      String messages = sipp.messages();
      assertTrue(messages.contains("TCP message received"), sipp.where());
      assertTrue(messages.contains("Contact: <sip:alice@127.0.0.1:" + port + ";transport=tcp>"),
          "our Contact names TCP: " + sipp.where());
    }
  }

  @Test
  void anOutboundCallIsAnsweredAndWeHangUp() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      CallCommand.SipProvisional ringing = fact(CallCommand.SipProvisional.class);
      assertEquals(180, ringing.status());
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      assertEquals("PCMA", answered.media().codec());
      assertEquals(uas.mediaPort, media.remote.get(callId).getPort());
      SipDialog confirmed = confirmed(dialog, answered).nextLocalCseq();
      adapter.port().tell(new SipLegCommand.Bye(callId, confirmed, EndCause.LOCAL_HANGUP));
      uas.assertByeAnswered();
      assertTrue(uas.messages().contains("Reason: Q.850;cause=16"), uas.where());
    }
  }

  @Test
  void aTwoHundredThatComesAgainIsAcknowledgedAgain() throws Exception {
    // a peer whose copy of our ACK was lost sends its 200 again (hand-written: sipp takes the
    // repeated ACK for a retransmission of its own and answers it, without end)
    try (RawSip peer = new RawSip(port)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, "sip:uas@127.0.0.1:" + peer.localPort());
      String invite = peer.requestUntil(null, "INVITE ");
      assertNotNull(invite, "our INVITE at the peer");
      String ok = peer.okTo(invite, "peer-tag");
      String ack = peer.requestUntil(ok, "ACK ");
      assertNotNull(ack, "our ACK");
      fact(CallCommand.SipAnswered.class);
      String again = peer.requestUntil(ok, "ACK ");
      assertEquals(ack, again, "the same ACK again");
      calls.expectNoMessage(Duration.ofMillis(200)); // the repeated 200 is no new answer
    }
  }

  @Test
  void anOutboundCallOverTcpIsAnsweredAndWeHangUp() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 60000, "-t", "t1")) {
      uas.awaitTcpListening();
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, "sip:uas@127.0.0.1:" + uas.port + ";transport=tcp");
      fact(CallCommand.SipProvisional.class);
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      SipDialog confirmed = confirmed(dialog, answered).nextLocalCseq();
      adapter.port().tell(new SipLegCommand.Bye(callId, confirmed, EndCause.LOCAL_HANGUP));
      uas.assertByeAnswered();
      String messages = uas.messages();
      assertTrue(messages.contains("TCP message received"), uas.where());
      assertTrue(messages.contains("Via: SIP/2.0/TCP"), "our Via names TCP: " + uas.where());
    }
  }

  @Test
  void anInviteThatCannotBeSentFailsTheCallAtOnce() throws Exception {
    // nothing listens there: the TCP connection is refused
    int nobody = Sipp.freeUdpPort();
    String callId = CallIds.newOutbound();
    SipDialog dialog = invite(callId, "sip:nobody@127.0.0.1:" + nobody + ";transport=tcp");
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(Duration.ofSeconds(5));
    assertEquals(callId, e.entityId());
    CallCommand.SipFailed failed = assertInstanceOf(CallCommand.SipFailed.class, e.message());
    assertEquals(503, failed.status());
    assertTrue(failed.reason().contains("nobody@127.0.0.1"), failed.reason());
    assertEquals(EndCause.SERVER_FAILURE, EndCause.fromSipStatus(failed.status()));
  }

  @Test
  void anInviteToAPortNoSocketCanHaveFailsTheCallAtOnce() throws Exception {
    // a REFER's Refer-To reaches here without the signaling edge's check; the stack would
    // retransmit to it from its timers, failing with a stack trace each time
    String callId = CallIds.newOutbound();
    invite(callId, "sip:nobody@127.0.0.1:99999");
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(Duration.ofSeconds(5));
    assertEquals(callId, e.entityId());
    CallCommand.SipFailed failed = assertInstanceOf(CallCommand.SipFailed.class, e.message());
    assertEquals(400, failed.status());
    assertTrue(failed.reason().contains("99999"), failed.reason());
  }

  @Test
  void aReinviteThatCannotBeSentIsReportedAs503() throws Exception {
    // the peer's TCP side is gone: nothing listens at its Contact any more
    int nobody = Sipp.freeUdpPort();
    String callId = CallIds.newOutbound();
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", "sip:gone@127.0.0.1")
        .established("peer", "sip:gone@127.0.0.1:" + nobody + ";transport=tcp", List.of())
        .nextLocalCseq();
    adapter.port().tell(new SipLegCommand.Reinvite(callId, dialog,
        io.rtc2sip.actors.model.SdpDirection.SENDONLY,
        NegotiatedMedia.pcma()));
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(Duration.ofSeconds(5));
    assertEquals(callId, e.entityId());
    assertEquals(new CallCommand.SipReinviteFailed(503), e.message());
  }

  @Test
  void theAckOfAReinviteTakesTheDialogsRouteSet() throws Exception {
    // a node that took the call over re-INVITEs through the front of the dialog's route set; the
    // 200 comes back without Record-Route (a re-INVITE does not change the route set, RFC 3261
    // 12.2.1.2): the ACK must still go through the front, not straight to the peer's Contact
    try (RawSip front = new RawSip(port); RawSip peer = new RawSip(port)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
          CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", "sip:uas@127.0.0.1")
          .established("peer", "sip:uas@127.0.0.1:" + peer.localPort(),
              List.of("<sip:127.0.0.1:" + front.localPort() + ";lr>"))
          .nextLocalCseq();
      adapter.port().tell(new SipLegCommand.Reinvite(callId, dialog,
          io.rtc2sip.actors.model.SdpDirection.SENDRECV, NegotiatedMedia.pcma()));
      String reinvite = front.requestUntil(null, "INVITE ");
      assertNotNull(reinvite, "the re-INVITE went to the front");
      assertTrue(reinvite.startsWith("INVITE sip:uas@127.0.0.1:" + peer.localPort() + " "),
          reinvite);
      String ok = front.okTo(reinvite.replace(";tag=peer", ""), "peer").replace(
          "Contact: <sip:uas@127.0.0.1:" + front.localPort() + ">",
          "Contact: <sip:uas@127.0.0.1:" + peer.localPort() + ">");
      front.send(ok.getBytes(StandardCharsets.US_ASCII));
      String ack = front.requestUntil(null, "ACK ");
      assertNotNull(ack, "the ACK went through the front");
      assertTrue(ack.startsWith("ACK sip:uas@127.0.0.1:" + peer.localPort() + " "), ack);
      assertTrue(ack.contains("Route: <sip:127.0.0.1:" + front.localPort() + ";lr>"), ack);
    }
  }

  @Test
  void aReinviteOfThePeerRightAfterOurAckIsNoGlare() throws Exception {
    // our re-INVITE completed with the 2xx: a re-INVITE the peer sends on our ACK (before this
    // node has done with the 2xx, here a slow media bridge) must be answered, not 491
    try (RawSip peer = new RawSip(port)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
          CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", "sip:uas@127.0.0.1")
          .established("peer", "sip:uas@127.0.0.1:" + peer.localPort(), List.of())
          .nextLocalCseq();
      java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);
      media.stall.set(slow);
      try {
        adapter.port().tell(new SipLegCommand.Reinvite(callId, dialog,
            io.rtc2sip.actors.model.SdpDirection.SENDRECV, NegotiatedMedia.pcma()));
        String reinvite = peer.requestUntil(null, "INVITE ");
        assertNotNull(reinvite, "our re-INVITE");
        peer.send(peer.okTo(reinvite.replace(";tag=peer", ""), "peer")
            .getBytes(StandardCharsets.US_ASCII));
        assertNotNull(peer.requestUntil(null, "ACK "), "our ACK");
        String theirs = peer.inDialog("INVITE", "bob", dialog.callId(), "peer",
            dialog.localTag(), 1);
        String answer = peer.requestUntil(theirs, "SIP/2.0 2");
        assertNotNull(answer, "the peer's re-INVITE answered 2xx (not 491)");
      } finally {
        slow.countDown();
      }
    }
  }

  @Test
  void anOutboundCallIsHungUpByTheFarEnd() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer_then_bye", 1500)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      fact(CallCommand.SipProvisional.class);
      fact(CallCommand.SipAnswered.class);
      CallCommand.SipByeReceived bye = fact(CallCommand.SipByeReceived.class);
      assertEquals(dialog.callId(), bye.sipCallId());
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  @Test
  void aSessionTimerWithUsAsRefresherIsRefreshedByReinvite() throws Exception {
    try (Sipp uas = Sipp.uas("uas_session_timer", 1000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      assertEquals(4, answered.sessionRefreshSeconds(), "the 2xx made us the refresher");
      // what the call does at half the interval (its timer is tested with the entity)
      SipDialog d = confirmed(dialog, answered)
          .withSessionRefresh(answered.sessionRefreshSeconds());
      adapter.port().tell(new SipLegCommand.Reinvite(callId, d.nextLocalCseq(),
          io.rtc2sip.actors.model.SdpDirection.SENDRECV, answered.media()));
      uas.awaitInLog("ACK sip:", 2);
      adapter.port().tell(new SipLegCommand.Bye(callId, d.nextLocalCseq().nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      assertEquals(0, uas.await(30), uas.where());
      assertTrue(uas.messages().contains("Session-Expires: 1800"), uas.where());
    }
  }

  @Test
  void dtmfGoesOutAsInfoOneDigitAtATimeInOrder() throws Exception {
    try (Sipp uas = Sipp.uas("uas_info_dtmf", 1000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      SipDialog d = confirmed(dialog, answered);
      adapter.port().tell(new SipLegCommand.Info(callId, d.nextLocalCseq(), "1#", 100));
      adapter.port().tell(new SipLegCommand.Info(callId,
          d.nextLocalCseq().nextLocalCseq().nextLocalCseq(), "5", 100));
      uas.awaitInLog("Signal=", 3);
      adapter.port().tell(new SipLegCommand.Bye(callId,
          d.nextLocalCseq().nextLocalCseq().nextLocalCseq().nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      assertEquals(0, uas.await(30), uas.where());
      String messages = uas.messages();
      assertTrue(messages.contains("CSeq: 2 INFO") && messages.contains("CSeq: 3 INFO")
          && messages.contains("CSeq: 4 INFO") && messages.contains("CSeq: 5 BYE"), uas.where());
    }
  }

  @Test
  void after422TheInviteGoesAgainWithThePeersMinSe() throws Exception {
    try (Sipp uas = Sipp.uas("uas_min_se", 1000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      assertEquals(2, answered.inviteCseq(), "the INVITE sent again is CSeq 2");
      adapter.port().tell(new SipLegCommand.Bye(callId, confirmed(dialog, answered)
          .withLocalCseqAtLeast(answered.inviteCseq()).nextLocalCseq(), EndCause.LOCAL_HANGUP));
      assertEquals(0, uas.await(30), uas.where());
      assertTrue(uas.messages().contains("CSeq: 3 BYE"), uas.where());
    }
  }

  @Test
  void aCallerAskingForSessionTimersGetsThemConfirmedOrA422() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_session_timer", port, "alice", 1000)) {
      CallCommand.SipInviteReceived invite = fact(CallCommand.SipInviteReceived.class);
      assertEquals(0, invite.dialog().sessionRefreshSeconds(), "the caller refreshes");
      String callId = CallIds.forInbound(invite.dialog().callId(), invite.dialog().remoteTag());
      adapter.port().tell(new SipLegCommand.Accept(callId, invite.dialog(), invite.offer()));
      fact(CallCommand.SipByeReceived.class);
      assertEquals(0, sipp.await(30), sipp.where());
      assertEquals(1, Sipp.count(sipp.messages(), "SIP/2.0 422"),
          "one 422: its ACK (the INVITE's branch) ended our transaction. " + sipp.where());
    }
  }

  @Test
  void reInvitesGoOneAtATime() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      fact(CallCommand.SipProvisional.class);
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      SipDialog d = confirmed(dialog, answered);
      // sipp starts its RTP stream after the ACK and aborts on a request that comes meanwhile
      uas.awaitAction("ready for re-INVITEs");
      // hold and resume decided back to back: the second waits for the first's answer
      adapter.port().tell(new SipLegCommand.Reinvite(callId, d.nextLocalCseq(),
          io.rtc2sip.actors.model.SdpDirection.SENDONLY, answered.media()));
      adapter.port().tell(new SipLegCommand.Reinvite(callId, d.nextLocalCseq().nextLocalCseq(),
          io.rtc2sip.actors.model.SdpDirection.SENDRECV, answered.media()));
      uas.awaitInLog("ACK sip:", 3);
      assertEquals(3, Sipp.count(uas.messages(), "ACK sip:"), uas.where());
      adapter.port().tell(new SipLegCommand.Bye(callId,
          d.nextLocalCseq().nextLocalCseq().nextLocalCseq(), EndCause.LOCAL_HANGUP));
      uas.assertByeAnswered();
    }
  }

  @Test
  void aBusyCalleeFailsTheCallWith486() throws Exception {
    try (Sipp uas = Sipp.uas("uas_busy", 1000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      CallCommand.SipFailed failed = fact(CallCommand.SipFailed.class);
      assertEquals(486, failed.status());
      assertEquals(EndCause.BUSY, EndCause.fromSipStatus(failed.status()));
    }
  }

  @Test
  void weCancelARingingCall() throws Exception {
    try (Sipp uas = Sipp.uas("uas_ring_no_answer", 1000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(callId, uas);
      assertEquals(180, fact(CallCommand.SipProvisional.class).status());
      adapter.port().tell(new SipLegCommand.Cancel(callId, dialog, EndCause.CANCELLED));
      assertEquals(487, fact(CallCommand.SipFailed.class).status());
      assertEquals(0, uas.await(30), uas.where());
    }
  }

  @Test
  void theCallerCancelsBeforeAnswer() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_cancel", port, "alice", 1000)) {
      ShardingEnvelope<CallCommand> e = envelope();
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
      assertInstanceOf(CallCommand.SipCancelled.class, envelope().message());
      assertEquals(0, sipp.await(30), sipp.where());
    }
  }

  @Test
  void holdAndResumeByThePeerAreAnsweredWithTheMirroredDirection() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_hold", port, "alice", 1000)) {
      ShardingEnvelope<CallCommand> e = envelope();
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
          invite.offer()));
      assertInstanceOf(CallCommand.SipRemoteHold.class, envelope().message());
      assertInstanceOf(CallCommand.SipRemoteResume.class, envelope().message());
      assertInstanceOf(CallCommand.SipByeReceived.class, envelope().message());
      assertEquals(0, sipp.await(40), sipp.where());
      assertTrue(sipp.messages().contains("a=recvonly"), "answered sendonly with recvonly");
    }
  }

  @Test
  void optionsAreAnsweredWithAllow() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_options", port, "ping", 0)) {
      assertEquals(0, sipp.await(20), sipp.where());
      assertTrue(sipp.messages().contains("Allow: INVITE"), sipp.where());
      assertTrue(java.util.regex.Pattern.compile("Allow:[^\r\n]*PRACK")
          .matcher(sipp.messages()).find(), sipp.where());
      assertTrue(java.util.regex.Pattern.compile("Supported:[^\r\n]*100rel")
          .matcher(sipp.messages()).find(), sipp.where());
    }
  }

  @Test
  void badInputGetsClearAnswersAndDoesNotHarmTheNextCall() throws Exception {
    try (RawSip raw = new RawSip(port)) {
      java.util.Random random = new java.util.Random(42);
      for (int i = 0; i < 3000; i++) {
        byte[] junk = new byte[20 + random.nextInt(400)];
        random.nextBytes(junk);
        if (i % 3 == 0) {
          byte[] head = "INVITE sip:x@y SIP/2.0\r\nVia: garbage\r\n\r\n".getBytes(
              StandardCharsets.US_ASCII);
          System.arraycopy(head, 0, junk, 0, Math.min(head.length, junk.length));
        }
        raw.send(junk);
      }
      // a BYE for a dialog that does not exist is answered 481
      states.put(CallIds.forInbound("nosuch@host", "ft"), "Idle");
      String bye = "BYE sip:alice@127.0.0.1:" + port + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.localPort() + ";branch=z9hG4bKbye1\r\n"
          + "From: <sip:x@127.0.0.1>;tag=ft\r\nTo: <sip:alice@127.0.0.1>;tag=tt\r\n"
          + "Call-ID: nosuch@host\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
      // sent like a UAC over UDP would: retransmitted until answered (the flood may still fill
      // the gateway's socket buffer)
      assertNotNull(raw.requestUntil(bye, "SIP/2.0 481"), "481 for a BYE of an unknown dialog");
      // an unknown method is 501, a known one we do not serve 405
      String sub = bye.replace("BYE sip", "SUBSCRIBE sip").replace("2 BYE", "3 SUBSCRIBE")
          .replace("bye1", "sub1");
      assertNotNull(raw.requestUntil(sub, "SIP/2.0 405"), "405 for SUBSCRIBE");
      String foo = bye.replace("BYE sip", "FOO sip").replace("2 BYE", "4 FOO")
          .replace("bye1", "foo1");
      assertNotNull(raw.requestUntil(foo, "SIP/2.0 501"), "501 for an unknown method");
    }
    anInboundCallIsAnsweredAndTheCallerHangsUp();
  }

  @Test
  void ourTwoHundredIsRetransmittedUntilTheCallerAcks() throws Exception {
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "noack@caller";
      assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"));
      ShardingEnvelope<CallCommand> e = envelope();
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
          invite.offer()));
      assertNotNull(raw.requestUntil(null, "SIP/2.0 200"), "the 200");
      assertSentAgainUntilAcked(raw, sipCallId, invite.dialog().localTag(), 1);
    }
  }

  @Test
  void ourTwoHundredToAReinviteIsRetransmittedUntilItsAck() throws Exception {
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "reinvite-noack@caller";
      dialogs.put(CallIds.forInbound(sipCallId, RawSip.fromTag(sipCallId)), new SipDialog(
          sipCallId, "ours", RawSip.fromTag(sipCallId), "sip:alice@127.0.0.1",
          "sip:caller@127.0.0.1", "sip:caller@127.0.0.1:" + raw.localPort(), List.of(), 1, 1));
      String reinvite = raw.invite("alice", sipCallId)
          .replace("To: <sip:alice@127.0.0.1>", "To: <sip:alice@127.0.0.1>;tag=ours")
          .replace("CSeq: 1 INVITE", "CSeq: 2 INVITE");
      assertNotNull(raw.requestUntil(reinvite, "SIP/2.0 200"));
      assertInstanceOf(CallCommand.SipRemoteResume.class, envelope().message());
      assertSentAgainUntilAcked(raw, sipCallId, "ours", 2);
    }
  }

  /** The 200 (already received once) comes twice more within 6 s, and not after the ACK. */
  private void assertSentAgainUntilAcked(RawSip raw, String sipCallId, String toTag, long cseq)
      throws Exception {
    // as if UDP lost them: we send it again (on the stack's cues: 0.5 s after it, then every
    // 1.5 s; never acknowledged, it goes until 64*T1: SipAckTimeoutTest)
    long start = System.nanoTime();
    int again = 0;
    while (again < 2 && System.nanoTime() - start < Duration.ofSeconds(6).toNanos()) {
      String ok = raw.requestUntil(null, "SIP/2.0 200");
      if (ok != null && ok.contains("Call-ID: " + sipCallId)) {
        again++;
      }
    }
    assertEquals(2, again, "two retransmissions of the 200 within 6 s");
    // the ACK stops them (the next one was due 1.5 s after the last)
    raw.send(ack(raw, sipCallId, toTag, cseq).getBytes(StandardCharsets.US_ASCII));
    raw.socket.setSoTimeout(4000);
    java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[8192], 8192);
    assertThrows(java.net.SocketTimeoutException.class, () -> raw.socket.receive(p),
        "no 200 after the ACK");
    calls.expectNoMessage(Duration.ofMillis(100));
  }

  private static String ack(RawSip raw, String sipCallId, String toTag, long cseq) {
    return "ACK sip:alice@127.0.0.1:" + raw.gateway.getPort() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.localPort() + ";branch=z9hG4bKack"
        + RawSip.fromTag(sipCallId) + "\r\n"
        + "From: <sip:caller@127.0.0.1>;tag=" + RawSip.fromTag(sipCallId) + "\r\n"
        + "To: <sip:alice@127.0.0.1>;tag=" + toTag + "\r\n"
        + "Call-ID: " + sipCallId + "\r\nCSeq: " + cseq + " ACK\r\nMax-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  @Test
  void dtmfByInfoBecomesADigitForTheCall() throws Exception {
    try (RawSip raw = new RawSip(port)) {
      String body = "Signal=5\r\nDuration=160\r\n";
      String info = "INFO sip:alice@127.0.0.1:" + port + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.localPort() + ";branch=z9hG4bKinfo1\r\n"
          + "From: <sip:x@127.0.0.1>;tag=peer\r\nTo: <sip:alice@127.0.0.1>;tag=ours\r\n"
          + "Call-ID: live@host\r\nCSeq: 5 INFO\r\nMax-Forwards: 70\r\n"
          + "Content-Type: application/dtmf-relay\r\nContent-Length: " + body.length()
          + "\r\n\r\n" + body;
      dialogs.put(CallIds.forInbound("live@host", "peer"), new SipDialog("live@host", "ours",
          "peer", "sip:alice@127.0.0.1", "sip:x@127.0.0.1", "sip:x@127.0.0.1", List.of(), 1, 1));
      assertNotNull(raw.requestUntil(info, "SIP/2.0 200"), "200 to INFO");
      ShardingEnvelope<CallCommand> e = envelope();
      assertEquals(CallIds.forInbound("live@host", "peer"), e.entityId());
      assertEquals(new CallCommand.MediaDtmfReceived("5", 160), e.message());
    }
  }
}
