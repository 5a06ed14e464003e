package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.metrics.NodeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While the journal database does not answer, new INVITEs are refused at once with 503 and
 * Retry-After (no 100 Trying and silence), and an INVITE that was pending when it went away is
 * answered the same way and frees its slot and ports.
 */
class SipJournalOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private ActorTestKit kit;
  private TestProbe<ShardingEnvelope<CallCommand>> calls;
  private final TestMediaEndpoints media = new TestMediaEndpoints();
  private JournalAvailability journal;
  private SipAdapter adapter;
  private int port;

  @BeforeEach
  void start() throws Exception {
    kit = ActorTestKit.create();
    calls = kit.createTestProbe();
    journal = JournalAvailability.get(kit.system());
    port = Sipp.freeUdpPort();
    SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp"), "", "", "",
        "rtc2sip-test", "", 300, Map.of(), 1800, 10, 5);
    // a call whose journal is away does not answer when asked
    adapter = SipAdapter.start(kit.system(), settings,
        new DialogSettings(Duration.ofSeconds(1), Duration.ofSeconds(60)),
        EntityMessenger.envelopes(calls.ref()), media, callId -> new CompletableFuture<>());
  }

  @AfterEach
  void stop() {
    if (adapter != null) {
      adapter.close();
    }
    kit.shutdownTestKit();
  }

  @Test
  void aNewInviteWhileTheJournalIsUnavailableGets503WithRetryAfterAtOnce() throws Exception {
    journal.journalFailed("test: the database went away");
    try (RawSip raw = new RawSip(port)) {
      long sent = System.nanoTime();
      String r = raw.requestUntil(raw.invite("alice", "down@caller"), "SIP/2.0 ");
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertNotNull(r);
      assertTrue(r.startsWith("SIP/2.0 503"), "503 first, no 100 Trying: " + r);
      assertTrue(r.contains("Retry-After: 10"), r);
      assertTrue(r.contains("journal database unavailable"), r);
      assertTrue(millis < 1000, "answered at once: " + millis + " ms");
      calls.expectNoMessage(Duration.ofMillis(300));
      assertEquals(0, adapter.pendingInvites());
      assertTrue(NodeMetrics.get(kit.system()).scrape().contains(
          "rtc2sip_calls_refused_journal_unavailable_total{source=\"sip\"} 1"));
      // the database answers again: calls are taken
      journal.probed(journal.probing(), true, null);
      assertNotNull(raw.requestUntil(raw.invite("alice", "up@caller"), "SIP/2.0 100"));
      assertEquals("up@caller", ((CallCommand.SipInviteReceived) calls.receiveMessage(WAIT)
          .message()).dialog().callId());
    }
  }

  @Test
  void anInvitePendingWhenTheJournalGoesAwayIsAnswered503AndFreesItsSlotAndPorts()
      throws Exception {
    try (RawSip raw = new RawSip(port)) {
      String sipCallId = "pending@caller";
      String callId = CallIds.forInbound(sipCallId, RawSip.fromTag(sipCallId));
      assertNotNull(raw.requestUntil(raw.invite("alice", sipCallId), "SIP/2.0 100"));
      assertEquals(callId, calls.receiveMessage(WAIT).entityId());
      assertEquals(1, adapter.pendingInvites());
      // the call's first write fails: it never takes the INVITE up
      journal.journalFailed("test: a write of the call failed");
      String r = raw.requestUntil(null, "SIP/2.0 503");
      assertNotNull(r, "503 once the INVITE is unclaimed");
      assertTrue(r.contains("Retry-After: 10"), r);
      assertEquals(0, adapter.pendingInvites());
      assertFalse(media.local.containsKey(callId), "its RTP ports are released");
    }
  }
}
