package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
