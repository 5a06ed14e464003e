package io.rtc2sip.sip;

import static io.rtc2sip.testkit.Until.until;
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
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.metrics.NodeMetrics;
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
import org.junit.jupiter.api.Test;

/**
 * Who may act in a dialog: requests whose tags or CSeq do not fit the dialog never reach the
 * call (481, 500), an INVITE that would take over a call is refused (482), an INVITE the call
 * never takes up frees its slot and ports, SDP host names are refused, and no dialog object
 * outlives its call.
 */
class SipDialogGuardTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final TestMediaEndpoints media = new TestMediaEndpoints();
  /** What the calls answer when asked: their state, by call id (Idle when not set). */
  private final Map<String, String> states = new ConcurrentHashMap<>();
  /** The dialog each call keeps, as it answers when asked. */
  private final Map<String, SipDialog> dialogs = new ConcurrentHashMap<>();
  private SipAdapter adapter;
  private int port;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @AfterEach
  void stop() {
    if (adapter != null) {
      adapter.close();
    }
  }

  private void start(int maxPendingInvites) throws Exception {
    start(maxPendingInvites, Duration.ofSeconds(60));
  }

  private void start(int maxPendingInvites, Duration idleCheck) throws Exception {
    port = Sipp.freeUdpPort();
    SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp"), "", "", "",
        "rtc2sip-test", "", 300, Map.of(), 1800, maxPendingInvites, 5);
    adapter = SipAdapter.start(KIT.system(), settings,
        new DialogSettings(Duration.ofSeconds(1), idleCheck),
        EntityMessenger.envelopes(calls.ref()), media,
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer(
            states.getOrDefault(callId, "Idle"), dialogs.get(callId))));
  }

  /** The final response to {@code request} (same CSeq line), sent until one comes. */
  private static String finalTo(RawSip raw, String request) throws Exception {
    String cseq = request.lines().filter(l -> l.startsWith("CSeq:")).findFirst().orElseThrow();
    String sent = request;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      String r = raw.requestUntil(sent, "SIP/2.0 ");
      sent = null;
      if (r != null && r.contains(cseq) && r.charAt(8) != '1') {
        return r;
      }
    }
    return null;
  }

  private static int status(String response) {
    assertNotNull(response, "a final response");
    return Integer.parseInt(response.substring(8, 11));
  }

  /** An inbound call from {@code raw}, answered; its dialog. */
  private CallCommand.SipInviteReceived answeredCall(RawSip raw, String sipCallId)
      throws Exception {
    assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"));
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
    CallCommand.SipInviteReceived invite =
        assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
    states.put(e.entityId(), "Active");
    adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
    adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(), invite.offer()));
    assertNotNull(raw.requestUntil(null, "SIP/2.0 200"), "the 200");
    raw.send(raw.inDialog("ACK", "alice", sipCallId, RawSip.fromTag(sipCallId),
        invite.dialog().localTag(), 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return invite;
  }

  /** The count of {@code rtc2sip_sip_dialog_mismatch_total} for {@code reason}. */
  private static double mismatches(String reason) {
    String prefix = "rtc2sip_sip_dialog_mismatch_total{reason=\"" + reason + "\"} ";
    return NodeMetrics.get(KIT.system()).scrape().lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
  }

  /** One request that does not belong to the dialog, and the answer it must get. */
  private record Row(String what, String method, String fromTag, String toTag, long cseq,
      int status) {}

  @Test
  void requestsThatDoNotFitTheDialogAreRefusedAndTheCallGoesOn() throws Exception {
    start(0);
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "guard@caller";
      CallCommand.SipInviteReceived invite = answeredCall(raw, sipCallId);
      String peer = RawSip.fromTag(sipCallId);
      String ours = invite.dialog().localTag();
      // a request in the dialog moves the peer's CSeq to 5
      assertEquals(200, status(finalTo(raw, raw.inDialog("INFO", "alice", sipCallId, peer, ours,
          5))));
      double unknown = mismatches("unknown");
      double tags = mismatches("tags");
      double cseq = mismatches("cseq");
      double rack = mismatches("rack");
      List<Row> rows = List.of(
          new Row("BYE with a wrong From-tag", "BYE", "mallory", ours, 6, 481),
          new Row("BYE with a wrong To-tag", "BYE", peer, "guessed", 6, 481),
          new Row("re-INVITE with a wrong From-tag", "INVITE", "mallory", ours, 6, 481),
          new Row("REFER with a wrong To-tag", "REFER", peer, "guessed", 6, 481),
          new Row("REFER with a wrong From-tag", "REFER", "mallory", ours, 6, 481),
          new Row("INFO with a wrong From-tag", "INFO", "mallory", ours, 6, 481),
          new Row("NOTIFY with a wrong To-tag", "NOTIFY", peer, "guessed", 6, 481),
          new Row("UPDATE with a wrong From-tag", "UPDATE", "mallory", ours, 6, 481),
          new Row("BYE with a lower CSeq", "BYE", peer, ours, 3, 500),
          new Row("re-INVITE with the CSeq already used", "INVITE", peer, ours, 5, 500),
          new Row("REFER with a lower CSeq", "REFER", peer, ours, 4, 500),
          new Row("PRACK with a wrong To-tag", "PRACK", peer, "guessed", 6, 481),
          new Row("PRACK with a lower CSeq", "PRACK", peer, ours, 4, 500),
          // in the dialog and in order, but no reliable 18x awaits a PRACK (RFC 3262 3)
          new Row("PRACK naming no reliable 18x", "PRACK", peer, ours, 6, 481));
      for (Row row : rows) {
        String request = raw.inDialog(row.method(), "alice", sipCallId, row.fromTag(),
            row.toTag(), row.cseq());
        assertEquals(row.status(), status(finalTo(raw, request)), row.what());
      }
      calls.expectNoMessage(Duration.ofMillis(300));
      // a wrong From-tag names another call (the call id is a hash of Call-ID and From-tag)
      assertEquals(5, mismatches("unknown") - unknown, "refused: no such call");
      assertEquals(4, mismatches("tags") - tags, "refused: tags");
      assertEquals(4, mismatches("cseq") - cseq, "refused: CSeq out of order");
      assertEquals(1, mismatches("rack") - rack, "refused: RAck of no reliable 18x");
      // the peer's own BYE still ends the call
      assertEquals(200, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, peer, ours,
          7))));
      CallCommand.SipByeReceived bye =
          assertInstanceOf(CallCommand.SipByeReceived.class, calls.receiveMessage(WAIT).message());
      assertEquals(7, bye.cseq());
      awaitNoDialogs("the call's SIP state went with its BYE");
    }
  }

  @Test
  void afterAFailoverTheCallsFirstCommandRecreatesTheDialog() throws Exception {
    start(0);
    try (RawSip raw = new RawSip(port)) {
      // a call recovered on this node re-anchors: its re-INVITE carries the dialog it keeps
      String callId = CallIds.newOutbound();
      SipDialog dialog = new SipDialog(CallIds.sipCallIdFor(callId),
          CallIds.localTagFor(callId, 1), "peer-tag", "sip:bob@127.0.0.1",
          "sip:alice@127.0.0.1", "sip:alice@127.0.0.1:" + raw.localPort(), List.of(), 4, 7);
      adapter.port().tell(new SipLegCommand.Reinvite(callId, dialog,
          io.rtc2sip.actors.model.SdpDirection.SENDRECV,
          new io.rtc2sip.actors.model.NegotiatedMedia("PCMA", 8, 8000, 101, false)));
      assertNotNull(raw.requestUntil(null, "INVITE sip:alice@"), "the re-anchoring re-INVITE");
      // the call is not asked (it would say Idle here): the leg knows the dialog
      String sipCallId = dialog.callId();
      assertEquals(481, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, "mallory",
          dialog.localTag(), 8))));
      // our Call-ID with our own tag as From-tag reads as our request come back (a call between
      // two of our users): it belongs to the answering side's call, here none, never to ours
      double unknown = mismatches("unknown");
      assertEquals(481, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId,
          dialog.localTag(), "peer-tag", 8))));
      assertEquals(1, mismatches("unknown") - unknown, "refused: no such call");
      assertEquals(500, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, "peer-tag",
          dialog.localTag(), 7))));
      assertEquals(200, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, "peer-tag",
          dialog.localTag(), 8))));
      assertInstanceOf(CallCommand.SipByeReceived.class, calls.receiveMessage(WAIT).message());
    }
  }

  @Test
  void withoutADialogOnThisNodeARequestIsCheckedAgainstTheDialogTheCallKeeps() throws Exception {
    start(0);
    try (RawSip raw = new RawSip(port)) {
      // the call runs (recovered, or on another node) but this node holds nothing of it yet
      String sipCallId = "moved@caller";
      String peer = RawSip.fromTag(sipCallId);
      String callId = CallIds.forInbound(sipCallId, peer);
      states.put(callId, "Active");
      dialogs.put(callId, new SipDialog(sipCallId, "ours", peer, "sip:alice@127.0.0.1",
          "sip:caller@127.0.0.1", "sip:caller@127.0.0.1:" + raw.localPort(), List.of(), 1, 3));
      assertEquals(481, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, peer,
          "guessed", 4))));
      assertEquals(500, status(finalTo(raw, raw.inDialog("INFO", "alice", sipCallId, peer,
          "ours", 2))));
      calls.expectNoMessage(Duration.ofMillis(200));
      // the peer's own request passes, and from now on this node holds the dialog
      assertEquals(200, status(finalTo(raw, raw.inDialog("INFO", "alice", sipCallId, peer,
          "ours", 4))));
      assertEquals(1, adapter.openDialogs());
      states.put(callId, "Idle"); // not asked again: the CSeq is checked against 4 here
      assertEquals(500, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, peer,
          "ours", 4))));
      assertEquals(200, status(finalTo(raw, raw.inDialog("BYE", "alice", sipCallId, peer,
          "ours", 5))));
      assertInstanceOf(CallCommand.SipByeReceived.class, calls.receiveMessage(WAIT).message());
      awaitNoDialogs("the BYE ended the dialog");
    }
  }

  @Test
  void aNewInviteForARingingCallIsRefusedWith482() throws Exception {
    start(0);
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "ringing@caller";
      assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"));
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
      assertNotNull(raw.requestUntil(null, "SIP/2.0 180"));
      // same Call-ID and From-tag, no To-tag, a new branch and CSeq: not a retransmission
      String takeover = raw.inDialog("INVITE", "bob", sipCallId, RawSip.fromTag(sipCallId),
          null, 2);
      assertEquals(482, status(finalTo(raw, takeover)));
      calls.expectNoMessage(Duration.ofMillis(300));
      // the ringing call is untouched: the call can still answer its own INVITE
      adapter.port().tell(new SipLegCommand.Reject(e.entityId(), invite.dialog(), 486, null));
      String busy = raw.requestUntil(null, "SIP/2.0 486");
      assertNotNull(busy);
      assertTrue(busy.contains("CSeq: 1 INVITE"), busy);
      awaitNoDialogs("the rejected call's SIP state is gone");
    }
  }

  @Test
  void anInviteTheCallNeverTakesUpFreesItsSlotAndPorts() throws Exception {
    start(2);
    try (RawSip raw = new RawSip(port)) {
      // the call is over and ignores the INVITE; the other's first event was never persisted
      Map<String, String> stateOf = Map.of("ended@caller", "Ended", "unpersisted@caller", "Idle");
      List<String> ids = List.copyOf(stateOf.keySet());
      for (String sipCallId : ids) {
        String callId = CallIds.forInbound(sipCallId, RawSip.fromTag(sipCallId));
        states.put(callId, stateOf.get(sipCallId));
        assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"));
        assertEquals(callId, calls.receiveMessage(WAIT).entityId());
      }
      // each is answered once the call has not taken it up, and frees its ports
      Map<String, Integer> answered = new ConcurrentHashMap<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (answered.size() < ids.size() && System.nanoTime() < deadline) {
        String r = raw.requestUntil(null, "SIP/2.0 "); // finals come again until ACKed
        for (String sipCallId : ids) {
          if (r != null && r.contains("Call-ID: " + sipCallId + "\r\n") && r.charAt(8) != '1') {
            answered.put(sipCallId, status(r));
          }
        }
      }
      assertEquals(Map.of("ended@caller", 481, "unpersisted@caller", 500), answered);
      for (String sipCallId : ids) {
        String callId = CallIds.forInbound(sipCallId, RawSip.fromTag(sipCallId));
        until(WAIT, () -> !media.local.containsKey(callId), "ports of " + sipCallId + " released");
      }
      // so the limit of 2 pending INVITEs is not reached
      assertNotNull(raw.requestUntil(raw.invite("alice", "fresh@caller"), "SIP/2.0 100"),
          "100 Trying, not 503");
    }
  }

  @Test
  void anInviteForACallStillRoutingWaitsAndOneForAnotherInvitesCallGets482ThenItsPortsGo() throws Exception {
    start(0, Duration.ofSeconds(2));
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "elsewhere@caller";
      String callId = CallIds.forInbound(sipCallId, RawSip.fromTag(sipCallId));
      states.put(callId, "Routing");
      assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"));
      assertEquals(callId, calls.receiveMessage(WAIT).entityId());
      // past the 1 s the call had: still routing, so the INVITE waits
      raw.socket.setSoTimeout(2500);
      java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[8192], 8192);
      org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class,
          () -> raw.socket.receive(p), "no answer while the call routes");
      // the call turns out to be another INVITE's (it runs on and never rings this one)
      states.put(callId, "Alerting");
      String r = raw.requestUntil(null, "SIP/2.0 482");
      assertNotNull(r, "482 once the call is another INVITE's");
      // the call runs: the ports may be its own on this node, kept until it is over
      assertTrue(media.local.containsKey(callId), "ports kept while the call runs");
      states.put(callId, "Ended");
      awaitNoDialogs("the INVITE's leg is gone once the call is over");
      until(WAIT, () -> !media.local.containsKey(callId), "and the ports it reserved with it");
    }
  }

  /**
   * Our BYE waits for the ACK of our 200 (RFC 3261 15); if the leg is dropped meanwhile (here:
   * its call found over by the idle check, long before our 200 would give up at 64*T1 = 32 s),
   * the BYE goes with the drop instead of being lost with the leg.
   */
  @Test
  void ourByeWaitingForAnAckGoesWhenTheLegIsDropped() throws Exception {
    start(0, Duration.ofSeconds(1));
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "dropped-bye@caller";
      raw.send(raw.invite("alice", sipCallId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      states.put(e.entityId(), "Active");
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
          invite.offer()));
      assertNotNull(raw.requestUntil(null, "SIP/2.0 200"), "our 200");
      adapter.port().tell(new SipLegCommand.Bye(e.entityId(), invite.dialog().nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      until(WAIT, () -> adapter.byesAfterAck() == 1, "our BYE waiting for the ACK");
      List<String> before = raw.receiveFor(Duration.ofMillis(300));
      assertTrue(before.stream().noneMatch(m -> m.startsWith("BYE ")), "no BYE yet: " + before);
      states.put(e.entityId(), "Ended"); // no ACK comes; the idle check finds the call over
      String bye = raw.requestUntil(null, "BYE ");
      assertNotNull(bye, "our BYE when the leg was dropped");
      awaitNoDialogs("the leg is gone");
    }
  }

  @Test
  void anSdpNamingAHostInsteadOfAnAddressIsRefusedWith488() throws Exception {
    start(0);
    try (RawSip raw = new RawSip(port)) {
      String invite = raw.invite("alice", "named@caller")
          .replace("c=IN IP4 127.0.0.1", "c=IN IP4 media.example.invalid");
      assertEquals(488, status(finalTo(raw, invite)));
      calls.expectNoMessage(Duration.ofMillis(300));
    }
  }

  @Test
  void failedAndCancelledCallsLeaveNoDialogBehind() throws Exception {
    start(0);
    for (int i = 0; i < 3; i++) {
      try (Sipp uas = Sipp.uas("uas_busy", 1000)) {
        String callId = CallIds.newOutbound();
        invite(callId, "sip:uas@127.0.0.1:" + uas.port);
        assertEquals(486, fact(CallCommand.SipFailed.class).status());
      }
      try (Sipp uas = Sipp.uas("uas_ring_no_answer", 1000)) {
        String callId = CallIds.newOutbound();
        SipDialog dialog = invite(callId, "sip:uas@127.0.0.1:" + uas.port);
        assertEquals(180, fact(CallCommand.SipProvisional.class).status());
        adapter.port().tell(new SipLegCommand.Cancel(callId, dialog, EndCause.CANCELLED));
        assertEquals(487, fact(CallCommand.SipFailed.class).status());
      }
      try (Sipp uac = Sipp.uac("uac_cancel", port, "alice", 1000)) {
        ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
        CallCommand.SipInviteReceived invite =
            assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
        adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
        assertInstanceOf(CallCommand.SipCancelled.class, calls.receiveMessage(WAIT).message());
        assertEquals(0, uac.await(30), uac.where());
      }
    }
    awaitNoDialogs("dialog objects left after failed calls");
  }

  /** The adapter's registry empties (the last answer may leave just before the leg goes). */
  private void awaitNoDialogs(String what) {
    until(WAIT, () -> adapter.openDialogs() == 0, what);
  }

  private SipDialog invite(String callId, String target) {
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", target);
    adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
        Party.sip(dialog.remoteUri())));
    return dialog;
  }

  private <T> T fact(Class<T> type) {
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
    return assertInstanceOf(type, e.message(), () -> "got " + e.message());
  }
}
