package io.rtc2sip.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes starting together on a fresh database all create the schema at once: every one
 * must succeed (two nodes racing on CREATE TABLE IF NOT EXISTS once killed the second node, for
 * the journal's tables and again for the call history's). Each round gets a database of its own
 * on one server for the class.
 */
class JournalSchemaConcurrencyTest {
  @TempDir static Path dir;
  private static EmbeddedDatabase db;

  @BeforeAll
  static void startServer() throws Exception {
    db = EmbeddedDatabase.start(dir, 0);
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  /** What a node does at start, with a connection of its own. */
  private interface SchemaStep {
    void run(Connection c) throws Exception;
  }

  @Test
  void nodesStartingTogetherOnAFreshDatabaseAllSucceed() throws Exception {
    race("journal", 5, c -> {
      JournalSchema.create(c);
      io.rtc2sip.persistence.history.CallRecords.createTables(c);
    }, "event_journal", "event_tag", "snapshot", "rtc2sip_call_history",
        "rtc2sip_projection_offset");
  }

  @Test
  void theCallHistoryTablesAreCreatedByOneNodeAtATimeToo() throws Exception {
    race("history", 10, io.rtc2sip.persistence.history.CallRecords::createTables,
        "rtc2sip_call_history", "rtc2sip_projection_offset");
  }

  /**
   * {@code rounds} fresh databases (named {@code name} and the round), four nodes running {@code
   * step} at once on each; every node succeeds and the {@code tables} are there.
   */
  private static void race(String name, int rounds, SchemaStep step, String... tables)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < rounds; round++) {
        String url = freshDatabase(db, name + round);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> nodes = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
          nodes.add(pool.submit(() -> {
            try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
              go.await();
              step.run(c);
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> node : nodes) {
          node.get(60, TimeUnit.SECONDS); // throws when a node failed
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(
                "select count(*) from information_schema.tables where table_name in ('"
                    + String.join("','", tables) + "')")) {
          assertTrue(rs.next());
          assertEquals(tables.length, rs.getInt(1), "round " + round);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String freshDatabase(EmbeddedDatabase db, String name) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return db.jdbcUrl().replace("/postgres", "/" + name);
  }
}
