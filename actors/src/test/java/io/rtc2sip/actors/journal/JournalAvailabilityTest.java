package io.rtc2sip.actors.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.metrics.NodeMetrics;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JournalAvailabilityTest {
  private ActorTestKit kit;
  private JournalAvailability journal;
  private NodeMetrics metrics;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
    journal = JournalAvailability.get(kit.system());
    metrics = NodeMetrics.get(kit.system());
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aFailedWriteMakesItUnavailableUntilAProbeAnswers() {
    assertTrue(journal.available());
    assertTrue(metrics.scrape().contains("rtc2sip_journal_available 1"));
    journal.journalFailed("a write of call o-1 failed");
    assertFalse(journal.available());
    assertEquals("a write of call o-1 failed", journal.reason());
    assertTrue(metrics.scrape().contains("rtc2sip_journal_available 0"));
    long token = journal.probing();
    journal.probed(token, false, "Connection refused");
    assertFalse(journal.available());
    token = journal.probing();
    journal.probed(token, true, null);
    assertTrue(journal.available());
    assertEquals("", journal.reason());
    assertTrue(metrics.scrape().contains("rtc2sip_journal_outages_total 1"));
    var kinds = metrics.supervision().recent().stream().map(e -> e.kind()).toList();
    assertEquals(java.util.List.of("journal-unavailable", "journal-available"), kinds);
  }

  @Test
  void aProbeThatStartedBeforeAFailureCannotHideIt() {
    long token = journal.probing();
    journal.journalFailed("a recovery of user alice failed");
    journal.probed(token, true, null);
    assertFalse(journal.available(), "the answer predates the failure");
    journal.probed(journal.probing(), true, null);
    assertTrue(journal.available());
  }

  @Test
  void aProbeWithoutAnswerMakesItUnavailableOnceAndRefusalsAreCounted() {
    journal.probed(journal.probing(), false, "timeout");
    journal.probed(journal.probing(), false, "timeout");
    journal.journalFailed("again");
    assertFalse(journal.available());
    journal.refused("sip");
    journal.refused("sip");
    journal.refused("signaling");
    String scrape = metrics.scrape();
    assertTrue(scrape.contains("rtc2sip_journal_outages_total 1"), scrape);
    assertTrue(scrape.contains(
        "rtc2sip_calls_refused_journal_unavailable_total{source=\"sip\"} 2"), scrape);
    assertTrue(scrape.contains(
        "rtc2sip_calls_refused_journal_unavailable_total{source=\"signaling\"} 1"), scrape);
  }

  @Test
  void settingsHaveDefaultsThatProbeOftenWhileDown() {
    JournalAvailability.Settings s = journal.settings();
    assertEquals(Duration.ofSeconds(5), s.probeInterval());
    assertEquals(Duration.ofSeconds(1), s.probeIntervalDown());
    assertEquals(Duration.ofSeconds(10), s.retryAfter());
  }
}
