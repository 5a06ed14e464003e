package io.rtc2sip.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallQueriesTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void everyParameterIsRead() {
    CallRecords.Query q = CallQueries.parse(Map.of("call-id", "c1", "uid", "alice",
        "number", "+4930123", "since", "2h", "until", "2026-11-30T11:30:00Z",
        "cause", "no-answer", "node", "pekko://rtc2sip@10.0.0.1:25520", "limit", "7"), CLOCK);
    assertEquals(new CallRecords.Query("c1", "alice", "+4930123",
        Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T11:30:00Z"),
        "NO_ANSWER", "pekko://rtc2sip@10.0.0.1:25520", 7), q);
  }

  @Test
  void emptyMeansEverythingWithTheDefaultLimit() {
    CallRecords.Query q = CallQueries.parse(Map.of("uid", " "), CLOCK);
    assertNull(q.uid());
    assertNull(q.since());
    assertEquals(50, q.limit());
  }

  @Test
  void timesAreInstantsDatesOrAges() {
    assertEquals(Instant.parse("2026-11-29T00:00:00Z"), CallQueries.time("since", "2026-11-29",
        CLOCK));
    assertEquals(NOW.minusSeconds(90), CallQueries.time("since", "90s", CLOCK));
    assertEquals(NOW.minusSeconds(15 * 60), CallQueries.time("since", "15m", CLOCK));
    assertEquals(NOW.minusSeconds(7 * 86_400), CallQueries.time("since", "7d", CLOCK));
  }

  @Test
  void badInputIsExplained() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CallQueries.parse(Map.of("since", "yesterday"), CLOCK)).getMessage()
        .contains("since must be an ISO time"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CallQueries.parse(Map.of("user", "x"), CLOCK)).getMessage()
        .contains("unknown search parameter 'user'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CallQueries.parse(Map.of("limit", "many"), CLOCK)).getMessage()
        .contains("limit must be a number"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CallQueries.parse(Map.of("limit", "0"), CLOCK)).getMessage()
        .contains("limit must be between"));
  }
}
