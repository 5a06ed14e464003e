package io.rtc2sip.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  private static final ActorTestKit kit = ActorTestKit.create("metrics");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void callsAreCountedAndTheActiveGaugeFollowsThem() {
    NodeMetrics m = NodeMetrics.get(kit.system());
    m.callLive("c1", "OUTBOUND", true);
    m.callLive("c2", "INBOUND", true);
    m.callLive("c3", "INBOUND", false); // recovered after a failover: not a new setup
    m.callAnswered("OUTBOUND");
    m.callEnded("c1", "OUTBOUND", "REMOTE_HANGUP");
    m.callStopped("c3");
    m.sipResponse(true, 486, "INVITE");
    m.sipRequest(false, "INVITE");
    m.journalWrite(3_000_000);
    m.callRefused("too-many-calls");
    String text = m.scrape();
    assertTrue(text.contains("rtc2sip_calls_refused_total{reason=\"too-many-calls\"} 1.0"),
        text);
    assertTrue(text.contains("rtc2sip_call_setups_total{direction=\"outbound\"} 1.0"), text);
    assertTrue(text.contains("rtc2sip_call_setups_total{direction=\"inbound\"} 1.0"), text);
    assertTrue(text.contains("rtc2sip_calls_active{direction=\"inbound\"} 1.0"), text);
    assertTrue(text.contains("rtc2sip_calls_active{direction=\"outbound\"} 0.0"), text);
    assertTrue(text.contains(
        "rtc2sip_calls_ended_total{cause=\"remote_hangup\",direction=\"outbound\"} 1.0"), text);
    assertTrue(text.contains(
        "rtc2sip_sip_responses_total{code=\"486\",direction=\"out\",method=\"INVITE\"} 1.0"),
        text);
    assertTrue(text.contains("rtc2sip_journal_write_seconds_bucket{le=\"0.005\"} 1"), text);
    assertTrue(text.contains("# TYPE rtc2sip_rtp_packets_total counter"), text);
    assertEquals(java.util.Set.of("c2"), m.activeCallIds());
    assertTrue(NodeMetrics.get(kit.system()) == m, "one instance per actor system");
  }

  @Test
  void supervisionEventsAreKeptBoundedAndCounted() {
    NodeMetrics m = NodeMetrics.get(kit.system());
    for (int i = 0; i < 250; i++) {
      m.entityRestarted("call", "c" + i, SupervisionLog.KIND_ENTITY_RESTART, "boom " + i);
    }
    List<SupervisionEvent> recent = m.supervision().recent();
    assertEquals(200, recent.size());
    assertEquals("c50", recent.get(0).subject());
    assertEquals("c249", recent.get(199).subject());
    assertEquals(m.node(), recent.get(0).node());
    String text = m.scrape();
    assertTrue(text.contains("rtc2sip_entity_restarts_total{entity=\"call\"} 250.0"), text);
    assertTrue(text.contains(
        "rtc2sip_supervision_events_total{kind=\"entity-restart\"} 250.0"), text);
  }

  @Test
  void theSipTraceKeepsRecentCallsAndCutsLongMessages() {
    SipTrace trace = new SipTrace(2, 3, 10);
    Instant t = Instant.parse("2026-11-30T10:00:00Z");
    trace.add("a", t, true, "x", "y", "INVITE sip:alice@gw SIP/2.0");
    trace.add("b", t, false, "y", "x", "BYE");
    trace.add("", t, false, "y", "x", "no call id: ignored");
    trace.add("c", t, false, "y", "x", "OPTIONS"); // a is the least recently used: dropped
    for (int i = 0; i < 5; i++) {
      trace.add("b", t, false, "y", "x", "ACK " + i);
    }
    assertEquals(List.of(), trace.of("a"));
    assertEquals(3, trace.of("b").size(), "at most 3 messages per call");
    assertEquals("OPTIONS", trace.of("c").get(0).text());
    trace.add("d", t, true, "x", "y", "0123456789ABCDEF");
    assertEquals("0123456789\n[…]", trace.of("d").get(0).text());
  }
}
