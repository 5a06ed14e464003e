package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Reliable provisional responses (RFC 3262, 100rel and PRACK) both ways, against real SIPp
 * peers: a caller that requires them gets reliable 18x and PRACKs them before our 200; a caller
 * that never PRACKs gets the 18x again at T1 doubling and then 500; a callee's reliable 183 with
 * SDP gets our PRACK and starts early media. T1 is 50 ms here, so that 64*T1 is 3.2 s.
 */
class SipReliableProvisionalsTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
      "rtc2sip.sip.t1 = 50ms").withFallback(ConfigFactory.load()));
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern RSEQ = Pattern.compile("RSeq: (\\d+)");

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final TestMediaEndpoints media = new TestMediaEndpoints();
  private SipAdapter adapter;
  private int port;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    port = Sipp.freeUdpPort();
    adapter = SipAdapter.start(KIT.system(), SipSettings.of("127.0.0.1", port, "", "", ""),
        EntityMessenger.envelopes(calls.ref()), media,
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Active", null)));
  }

  @AfterEach
  void stop() {
    adapter.close();
  }

  private <T> T fact(Class<T> type) {
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
    return assertInstanceOf(type, e.message(), () -> "got " + e.message());
  }

  /** The messages of sipp's log, each with its direction line ("... message received/sent"). */
  private static List<String> messages(Sipp sipp) throws Exception {
    List<String> out = new ArrayList<>();
    for (String block : sipp.messages().split("\n-{10,}[^\n]*\n")) {
      if (!block.isBlank()) {
        out.add(block);
      }
    }
    return out;
  }

  private static boolean received(String block) {
    return block.contains("message received");
  }

  @Test
  void aCallerRequiring100relGetsReliableProvisionalsAndOur200AfterItsPracks() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_100rel", port, "alice", 500)) {
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      String callId = e.entityId();
      // all at once: the 183 waits for the PRACK of the 180, the 200 for that of the 183
      adapter.port().tell(new SipLegCommand.Ring(callId, invite.dialog(), false));
      adapter.port().tell(new SipLegCommand.Ring(callId, invite.dialog(), true));
      adapter.port().tell(new SipLegCommand.Accept(callId, invite.dialog(), invite.offer()));
      fact(CallCommand.SipByeReceived.class);
      assertEquals(0, sipp.await(30), sipp.where());

      List<String> log = messages(sipp);
      List<Long> rseqs = new ArrayList<>();
      int ringing = -1;
      int progress = -1;
      int secondPrackAnswered = -1;
      int ok = -1;
      for (int i = 0; i < log.size(); i++) {
        String m = log.get(i);
        if (!received(m)) {
          continue;
        }
        if (m.contains("SIP/2.0 180 ") || m.contains("SIP/2.0 183 ")) {
          assertTrue(m.contains("Require: 100rel"), m);
          Matcher r = RSEQ.matcher(m);
          assertTrue(r.find(), "RSeq in " + m);
          long rseq = Long.parseLong(r.group(1));
          if (!rseqs.contains(rseq)) {
            rseqs.add(rseq);
          }
          if (m.contains("SIP/2.0 180 ")) {
            ringing = ringing < 0 ? i : ringing;
          } else {
            progress = progress < 0 ? i : progress;
          }
        } else if (m.contains("SIP/2.0 200 ") && m.contains("CSeq: 3 PRACK")) {
          secondPrackAnswered = i;
        } else if (m.contains("SIP/2.0 200 ") && m.contains("CSeq: 1 INVITE")) {
          ok = ok < 0 ? i : ok;
        }
      }
      assertEquals(2, rseqs.size(), "one RSeq per reliable 18x: " + rseqs);
      assertTrue(rseqs.get(0) >= 1 && rseqs.get(0) <= Integer.MAX_VALUE, "first RSeq " + rseqs);
      assertEquals(rseqs.get(0) + 1, rseqs.get(1), "RSeq counts up by one");
      assertTrue(ringing >= 0 && progress > ringing, "180, then 183: " + sipp.where());
      assertTrue(log.get(progress).contains("m=audio"), "the 183 carries our SDP answer");
      assertTrue(secondPrackAnswered > progress && ok > secondPrackAnswered,
          "the 200 to the INVITE only after the 183's PRACK was answered: " + sipp.where());
      assertEquals(0, adapter.pendingInvites());
    }
  }

  @Test
  void aReliable180WithoutPrackIsSentAgainAtT1DoublingAndTheInviteFails() throws Exception {
    try (Sipp sipp = Sipp.uac("uac_100rel_no_prack", port, "alice", 0)) {
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      long rung = System.nanoTime();
      adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
      ShardingEnvelope<CallCommand> over = calls.receiveMessage(WAIT);
      long gaveUpMillis = (System.nanoTime() - rung) / 1_000_000L;
      assertEquals(e.entityId(), over.entityId());
      assertEquals(new CallCommand.SipCancelled("no PRACK"), over.message());
      assertEquals(0, sipp.await(20), sipp.where());
      long ringings = messages(sipp).stream()
          .filter(m -> received(m) && m.contains("SIP/2.0 180 ")).count();
      // sent at 0, then 50, 150, 350, 750, 1550 and 3150 ms; given up at 64*T1 = 3200 ms
      assertEquals(7, ringings, "the 180 and six retransmissions: " + sipp.where());
      assertTrue(gaveUpMillis >= 3200 && gaveUpMillis < 6000, "gave up after " + gaveUpMillis);
      assertTrue(sipp.messages().contains("SIP/2.0 500 "), sipp.where());
      assertEquals(0, adapter.pendingInvites());
      assertEquals(0, adapter.openDialogs());
    }
  }

  @Test
  void aPrackNamingNoOutstanding18xOrFromAnotherDialogGets481() throws Exception {
    try (RawSip caller = new RawSip(port)) {
      String sipCallId = "prack-" + System.nanoTime() + "@127.0.0.1";
      String fromTag = RawSip.fromTag(sipCallId);
      String request = caller.invite("alice", sipCallId)
          .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRequire: 100rel\r\n");
      caller.send(request.getBytes(StandardCharsets.US_ASCII));
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      adapter.port().tell(new SipLegCommand.Ring(e.entityId(), invite.dialog(), false));
      String ringing = caller.requestUntil(null, "SIP/2.0 180");
      assertNotNull(ringing, "a reliable 180");
      Matcher r = RSEQ.matcher(ringing);
      assertTrue(r.find() && ringing.contains("Require: 100rel"), ringing);
      long rseq = Long.parseLong(r.group(1));
      String toTag = invite.dialog().localTag();
      // a CSeq not above the INVITE's: 500 by the dialog check (out of order)
      assertTrue(prack(caller, sipCallId, fromTag, toTag, 1, rseq + " 1 INVITE")
          .startsWith("SIP/2.0 500"));
      // RAck with another RSeq: 481, and the 180 is still outstanding
      assertTrue(prack(caller, sipCallId, fromTag, toTag, 2, (rseq + 1) + " 1 INVITE")
          .startsWith("SIP/2.0 481"));
      // the right RAck from another dialog (another From-tag): 481 by the dialog check
      assertTrue(prack(caller, sipCallId, "mallory", toTag, 3, rseq + " 1 INVITE")
          .startsWith("SIP/2.0 481"));
      // an RAck with more digits than any RSeq (2^31-1): the stack's parser answers 400
      String oversized = prack(caller, sipCallId, fromTag, toTag, 4,
          "99999999999999999999 1 INVITE");
      assertTrue(oversized.startsWith("SIP/2.0 400"), oversized);
      // the right one: 200; the same RAck again: 481 (nothing outstanding any more)
      assertTrue(prack(caller, sipCallId, fromTag, toTag, 5, rseq + " 1 INVITE")
          .startsWith("SIP/2.0 200"));
      assertTrue(prack(caller, sipCallId, fromTag, toTag, 6, rseq + " 1 INVITE")
          .startsWith("SIP/2.0 481"));
      calls.expectNoMessage(Duration.ofMillis(200)); // PRACKs are no news for the call
      adapter.port().tell(new SipLegCommand.Reject(e.entityId(), invite.dialog(), 486,
          EndCause.BUSY));
      assertNotNull(caller.requestUntil(null, "SIP/2.0 486"));
    }
  }

  @Test
  void aCallAnsweredWhileItsReliable180AwaitsAPrackThatNeverComesEndsAsDialogLost()
      throws Exception {
    try (RawSip caller = new RawSip(port)) {
      answeredBeforeItsPrack(caller, "noprack");
      // the 200 waits for the PRACK; after 64*T1 the INVITE gets 500 instead, never a 200
      String last = caller.requestUntil(null, "SIP/2.0 ");
      while (last != null && !last.startsWith("SIP/2.0 5")) {
        assertTrue(last.startsWith("SIP/2.0 100") || last.startsWith("SIP/2.0 180"), last);
        last = caller.requestUntil(null, "SIP/2.0 ");
      }
      assertNotNull(last, "500 after 64*T1 without PRACK");
      assertTrue(last.startsWith("SIP/2.0 500") && last.contains("no PRACK"), last);
      assertEquals(CallCommand.SipAckTimeout.INSTANCE, calls.receiveMessage(WAIT).message());
      assertEquals(0, adapter.openDialogs());
    }
  }

  /**
   * Our user hangs up while our 200 waits for a PRACK: the dialog is still early on our side,
   * where a callee must not send BYE (RFC 3261 15): the INVITE gets a final 480 with the
   * hangup's Reason instead, and neither the 200 nor a BYE ever goes.
   */
  @Test
  void aHangupWhileOur200WaitsForAPrackEndsTheInviteWithoutABye() throws Exception {
    try (RawSip caller = new RawSip(port)) {
      Answered call = answeredBeforeItsPrack(caller, "byeheld");
      calls.expectNoMessage(Duration.ofMillis(100));
      adapter.port().tell(new SipLegCommand.Bye(call.callId(), call.dialog().nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      List<String> got = caller.receiveFor(Duration.ofMillis(64 * 50 + 500));
      assertTrue(got.stream().anyMatch(m -> m.startsWith("SIP/2.0 480")
          && m.contains("Reason: Q.850;cause=16")), "480 with the Reason: " + got);
      assertTrue(got.stream().noneMatch(m -> m.startsWith("BYE ")
          || m.startsWith("SIP/2.0 200")), "no BYE, no 200: " + got);
      assertEquals(0, adapter.pendingInvites());
      assertEquals(0, adapter.openDialogs());
    }
  }

  @Test
  void aCancelWhileOur200WaitsForAPrackGets487AndThe200NeverGoes() throws Exception {
    try (RawSip caller = new RawSip(port)) {
      // the user answers: our 200 waits for the 180's PRACK, which does not come
      String invite = answeredBeforeItsPrack(caller, "cancelheld").invite();
      calls.expectNoMessage(Duration.ofMillis(100));
      // the caller gives up: CANCEL of the INVITE (its branch and CSeq)
      String cancel = invite.substring(0, invite.indexOf("Contact:"))
          .replaceFirst("^INVITE ", "CANCEL ").replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL")
          .replace("Max-Forwards: 70\r\nRequire: 100rel\r\n", "Max-Forwards: 70\r\n")
          + "Content-Length: 0\r\n\r\n";
      String cancelled = caller.requestUntil(cancel, "SIP/2.0 200");
      assertNotNull(cancelled, "200 to the CANCEL");
      assertTrue(cancelled.contains("CANCEL"), cancelled);
      String last = caller.requestUntil(null, "SIP/2.0 4");
      assertNotNull(last, "487 to the INVITE");
      assertTrue(last.startsWith("SIP/2.0 487"), last);
      assertEquals(new CallCommand.SipCancelled("CANCEL"), calls.receiveMessage(WAIT).message());
      // the 200 that waited is dropped: no 200 and no 180 any more within 64*T1 of the answer
      List<String> after = caller.receiveFor(Duration.ofMillis(64 * 50 + 500));
      assertTrue(after.stream().noneMatch(m -> m.startsWith("SIP/2.0 200")
          || m.startsWith("SIP/2.0 180")), "after the CANCEL: " + after);
      assertEquals(0, adapter.pendingInvites());
      assertEquals(0, adapter.openDialogs());
    }
  }

  /** An INVITE as sent, the call it reached and the call's dialog. */
  private record Answered(String invite, String callId, SipDialog dialog) {}

  /**
   * {@code caller} INVITEs alice requiring 100rel; the call rings (a reliable 180) and answers
   * at once: our 200 waits for the 180's PRACK.
   */
  private Answered answeredBeforeItsPrack(RawSip caller, String name) throws Exception {
    String sipCallId = name + "-" + System.nanoTime() + "@127.0.0.1";
    String invite = caller.invite("alice", sipCallId)
        .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRequire: 100rel\r\n");
    caller.send(invite.getBytes(StandardCharsets.US_ASCII));
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
    CallCommand.SipInviteReceived received =
        assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
    adapter.port().tell(new SipLegCommand.Ring(e.entityId(), received.dialog(), false));
    adapter.port().tell(new SipLegCommand.Accept(e.entityId(), received.dialog(),
        received.offer()));
    return new Answered(invite, e.entityId(), received.dialog());
  }

  /** Sends a PRACK with {@code rack} in the dialog until it is answered; the answer. */
  private static String prack(RawSip caller, String sipCallId, String fromTag, String toTag,
      long cseq, String rack) throws Exception {
    String prack = caller.inDialog("PRACK", "alice", sipCallId, fromTag, toTag, cseq)
        .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRAck: " + rack + "\r\n");
    String answer = caller.requestUntil(prack, "SIP/2.0 ");
    while (answer != null && (answer.startsWith("SIP/2.0 180")
        || !answer.contains("CSeq: " + cseq + " PRACK"))) {
      answer = caller.requestUntil(null, "SIP/2.0 "); // a 180 sent again meanwhile
    }
    assertNotNull(answer, "an answer to the PRACK with CSeq " + cseq);
    return answer;
  }

  @Test
  void aCallerRequiring100relGets420WhenItIsOff() throws Exception {
    ActorTestKit off = ActorTestKit.create(ConfigFactory.parseString(
        "rtc2sip.sip.reliable-provisionals.use = off").withFallback(ConfigFactory.load()));
    int offPort = Sipp.freeUdpPort();
    TestProbe<ShardingEnvelope<CallCommand>> offCalls = off.createTestProbe();
    SipAdapter offAdapter = SipAdapter.start(off.system(),
        SipSettings.of("127.0.0.1", offPort, "", "", ""),
        EntityMessenger.envelopes(offCalls.ref()), new TestMediaEndpoints(),
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Active", null)));
    try (RawSip caller = new RawSip(offPort)) {
      String request = caller.invite("alice", "off-" + System.nanoTime() + "@127.0.0.1")
          .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRequire: 100rel\r\n");
      String answer = caller.requestUntil(request, "SIP/2.0 420");
      assertNotNull(answer, "420 Bad Extension");
      assertTrue(answer.contains("Unsupported: 100rel"), answer);
      // an INVITE with Replaces is refused the same, before the call it names is looked for
      String replacing = caller.invite("alice", "off-r-" + System.nanoTime() + "@127.0.0.1")
          .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRequire: 100rel\r\n"
              + "Replaces: x@pbx;to-tag=a1;from-tag=b2\r\n");
      answer = caller.requestUntil(replacing, "SIP/2.0 4");
      assertNotNull(answer, "a final answer to the INVITE with Replaces");
      assertTrue(answer.startsWith("SIP/2.0 420"), answer);
      assertTrue(answer.contains("Unsupported: 100rel"), answer);
      offCalls.expectNoMessage(Duration.ofMillis(200));
    } finally {
      offAdapter.close();
      off.shutdownTestKit();
    }
  }

  @Test
  void anOutboundCallPracksAReliable183OnceAndItsEarlyMediaStarts() throws Exception {
    try (Sipp uas = Sipp.uas("uas_100rel_early_media", 0)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
          CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", "sip:uas@127.0.0.1:" + uas.port);
      adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
          Party.sip(dialog.remoteUri())));
      CallCommand.SipProvisional progress = fact(CallCommand.SipProvisional.class);
      assertEquals(183, progress.status());
      assertNotNull(progress.earlyMedia(), "early media from the 183's SDP");
      assertEquals("PCMA", progress.earlyMedia().codec());
      assertEquals(uas.mediaPort, media.remote.get(callId).getPort(),
          "the media bridge knows the far end's RTP address before the answer");
      // the same 183 again (RSeq 4711) is neither PRACKed nor reported again
      CallCommand.SipAnswered answered = fact(CallCommand.SipAnswered.class);
      uas.awaitAction("rack 4711 " + dialog.localCseq() + " INVITE");
      assertEquals(1, Sipp.count(uas.messages(), "PRACK sip:"), uas.where());
      assertTrue(answered.inviteCseq() > dialog.localCseq(),
          "the dialog goes on above our PRACK's CSeq: " + answered.inviteCseq());
      SipDialog confirmed = dialog.established(answered.remoteTag(), answered.remoteTarget(),
          answered.routeSet()).withLocalCseqAtLeast(answered.inviteCseq()).nextLocalCseq();
      adapter.port().tell(new SipLegCommand.Bye(callId, confirmed, EndCause.LOCAL_HANGUP));
      assertEquals(0, uas.await(20), uas.where());
      uas.awaitAction("bye cseq " + (dialog.localCseq() + 2) + " BYE");
      String prack = messages(uas).stream().filter(m -> m.contains("PRACK sip:")).findFirst()
          .orElseThrow();
      assertTrue(prack.contains("To: <sip:uas@127.0.0.1:" + uas.port + ">;tag="), prack);
      assertTrue(prack.startsWith("PRACK sip:uas@127.0.0.1:" + uas.port)
          || prack.contains("PRACK sip:uas@127.0.0.1:" + uas.port), "to the 183's Contact");
    }
  }
}
