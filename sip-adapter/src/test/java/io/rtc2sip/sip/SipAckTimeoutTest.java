package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.testkit.Until;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Our 2xx to an INVITE that the caller never acknowledges (RFC 3261 13.3.1.4): sent again until
 * 64*T1 have passed, then the call is told (and ends itself with a BYE). T1 is 50 ms here
 * ({@code rtc2sip.sip.t1}), so that 64*T1 is 3.2 s instead of 32 s.
 */
class SipAckTimeoutTest {
  private static final Duration T1 = Duration.ofMillis(50);
  private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
      "rtc2sip.sip.t1 = " + T1.toMillis() + "ms").withFallback(ConfigFactory.load()));
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void anAnswerNeverAcknowledgedIsReportedToTheCallAfter64TimesT1() throws Exception {
    int port = Sipp.freeUdpPort();
    try (SipAdapter adapter = SipAdapter.start(KIT.system(),
            SipSettings.of("127.0.0.1", port, "", "", ""),
            EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
            callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Active", null)));
        RawSip raw = new RawSip(port)) {
      assertNotNull(raw.requestUntil(raw.invite("alice", "lost@caller"), "SIP/2.0 100"));
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      CallCommand.SipInviteReceived invite =
          assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
      long accepted = System.nanoTime();
      adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
          invite.offer()));
      // 64*T1 of retransmissions, then the call learns it, not before
      ShardingEnvelope<CallCommand> timeout = calls.receiveMessage(WAIT);
      long told = System.nanoTime() - accepted;
      assertEquals(e.entityId(), timeout.entityId());
      assertEquals(CallCommand.SipAckTimeout.INSTANCE, timeout.message());
      assertTrue(told >= T1.multipliedBy(64).toNanos(),
          "told " + told / 1_000_000 + " ms after the answer, before 64*T1");
      assertTrue(twoHundredsReceived(raw, "lost@caller") >= 2, "our 200 sent again meanwhile");
    }
  }

  /** An adapter whose call is a probe answering Active; closed by the caller. */
  private SipAdapter adapter(int port) throws Exception {
    return SipAdapter.start(KIT.system(), SipSettings.of("127.0.0.1", port, "", "", ""),
        EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Active", null)));
  }

  /** {@code raw} calls alice, the call answers: the INVITE as the call got it, once our 200 came. */
  private ShardingEnvelope<CallCommand> answered(SipAdapter adapter, RawSip raw,
      String sipCallId) throws Exception {
    raw.send(raw.invite("alice", sipCallId).getBytes(StandardCharsets.US_ASCII));
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
    CallCommand.SipInviteReceived invite =
        assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
    adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(), invite.offer()));
    assertNotNull(raw.requestUntil(null, "SIP/2.0 200"), "our 200");
    return e;
  }

  /**
   * The user hangs up before the caller's ACK came: a callee must not send BYE before the ACK
   * of its 2xx (RFC 3261 15), so ours waits for it and goes as soon as it comes.
   */
  @Test
  void ourByeWaitsForTheAckOfOur200() throws Exception {
    int port = Sipp.freeUdpPort();
    try (SipAdapter adapter = adapter(port); RawSip raw = new RawSip(port)) {
      String sipCallId = "quick@caller";
      ShardingEnvelope<CallCommand> e = answered(adapter, raw, sipCallId);
      SipDialog dialog = ((CallCommand.SipInviteReceived) e.message()).dialog();
      adapter.port().tell(new SipLegCommand.Bye(e.entityId(), dialog.nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      Until.until(WAIT, () -> adapter.byesAfterAck() == 1, "our BYE waiting for the ACK");
      List<String> before = raw.receiveFor(Duration.ofMillis(300));
      assertTrue(before.stream().noneMatch(m -> m.startsWith("BYE ")),
          "no BYE before the ACK: " + before);
      String ack = raw.inDialog("ACK", "alice", sipCallId, RawSip.fromTag(sipCallId),
          dialog.localTag(), 1);
      String bye = raw.requestUntil(ack, "BYE ");
      assertNotNull(bye, "our BYE once the ACK came");
      assertTrue(bye.contains("Reason: Q.850;cause=16"), bye);
      // the leg goes with the BYE's dialog, right after the BYE was sent
      Until.until(WAIT, () -> adapter.openDialogs() == 0, "the leg dropped after our BYE");
    }
  }

  /** The peer hangs up while our BYE waits for its ACK: ours is not sent at all. */
  @Test
  void ourByeWaitingForAnAckIsNotSentWhenThePeerHangsUpFirst() throws Exception {
    int port = Sipp.freeUdpPort();
    try (SipAdapter adapter = adapter(port); RawSip raw = new RawSip(port)) {
      String sipCallId = "crossed@caller";
      ShardingEnvelope<CallCommand> e = answered(adapter, raw, sipCallId);
      SipDialog dialog = ((CallCommand.SipInviteReceived) e.message()).dialog();
      adapter.port().tell(new SipLegCommand.Bye(e.entityId(), dialog.nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      // ours waits before the peer's goes (else they cross, and ours rightly goes)
      Until.until(WAIT, () -> adapter.byesAfterAck() == 1, "our BYE waiting for the ACK");
      String bye = raw.inDialog("BYE", "alice", sipCallId, RawSip.fromTag(sipCallId),
          dialog.localTag(), 2);
      assertNotNull(raw.requestUntil(bye, "SIP/2.0 200"), "200 to the peer's BYE");
      assertInstanceOf(CallCommand.SipByeReceived.class, calls.receiveMessage(WAIT).message());
      // the peer's BYE dropped the leg (no 2xx of ours is sent again, nothing waits for 64*T1
      // any more): a BYE of ours would have gone with the drop
      List<String> after = raw.receiveFor(Duration.ofMillis(500));
      assertTrue(after.stream().noneMatch(m -> m.startsWith("BYE ")), "no BYE: " + after);
      assertEquals(0, adapter.openDialogs());
    }
  }

  /** No ACK ever: our BYE goes when our 200 gives up waiting (64*T1), as RFC 3261 15 allows. */
  @Test
  void ourByeWaitingForAnAckThatNeverComesGoesAt64TimesT1() throws Exception {
    int port = Sipp.freeUdpPort();
    try (SipAdapter adapter = adapter(port); RawSip raw = new RawSip(port)) {
      ShardingEnvelope<CallCommand> e = answered(adapter, raw, "noack@caller");
      SipDialog dialog = ((CallCommand.SipInviteReceived) e.message()).dialog();
      long hungUp = System.nanoTime();
      adapter.port().tell(new SipLegCommand.Bye(e.entityId(), dialog.nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      assertNotNull(raw.requestUntil(null, "BYE "), "our BYE after 64*T1");
      long waited = System.nanoTime() - hungUp;
      assertTrue(waited >= T1.multipliedBy(60).toNanos(),
          "the BYE went " + waited / 1_000_000 + " ms after the hangup, before 64*T1");
      assertEquals(CallCommand.SipAckTimeout.INSTANCE, calls.receiveMessage(WAIT).message());
    }
  }

  /** The 200s to the INVITE of {@code sipCallId} that came (and wait in the socket's buffer). */
  private static int twoHundredsReceived(RawSip raw, String sipCallId) throws Exception {
    raw.socket.setSoTimeout(200);
    byte[] buf = new byte[8192];
    int count = 0;
    while (true) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        raw.socket.receive(p);
      } catch (SocketTimeoutException drained) {
        return count;
      }
      String message = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
      if (message.startsWith("SIP/2.0 200") && message.contains("Call-ID: " + sipCallId)) {
        count++;
      }
    }
  }
}
