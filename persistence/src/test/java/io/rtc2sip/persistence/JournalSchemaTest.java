package io.rtc2sip.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JournalSchemaTest {
  @Test
  void indexStatementsAreMadeIdempotent() {
    assertEquals(
        "CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON t(o)",
        JournalSchema.idempotent("CREATE UNIQUE INDEX event_journal_ordering_idx ON t(o)"));
    assertEquals(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS state_tag_idx on t (tag)",
        JournalSchema.idempotent("CREATE INDEX CONCURRENTLY state_tag_idx on t (tag)"));
    assertEquals(
        "CREATE INDEX IF NOT EXISTS a ON t(x)", JournalSchema.idempotent("CREATE INDEX IF NOT EXISTS a ON t(x)"));
    assertEquals("CREATE TABLE IF NOT EXISTS t(x int)", JournalSchema.idempotent("CREATE TABLE IF NOT EXISTS t(x int)"));
  }

  @Test
  void everyShippedStatementIsIdempotent() {
    List<String> statements = JournalSchema.statements();
    assertEquals(7, statements.size(), statements.toString());
    for (String s : statements) {
      assertTrue(s.toUpperCase().contains("IF NOT EXISTS"), s);
    }
  }
}
