package io.rtc2sip.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.testkit.Until;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
  @TempDir Path root;

  @Test
  void schemaIsCreatedIdempotentlyAndDataSurvivesARestart() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0)) {
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
        JournalSchema.create(c);
        JournalSchema.create(c); // second run on existing tables and indexes must not fail
        try (Statement st = c.createStatement()) {
          st.execute(
              "INSERT INTO event_journal(persistence_id, sequence_number, writer, event_ser_id,"
                  + " event_ser_manifest, event_payload) VALUES ('call|x', 1, 'w', 1, 'm', '\\x00')");
        }
        assertEquals(
            List.of("durable_state", "event_journal", "event_tag", "snapshot"), tables(c));
        assertTrue(indexes(c).containsAll(
            List.of("event_journal_ordering_idx", "state_tag_idx", "state_global_offset_idx")));
      }
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT persistence_id FROM event_journal")) {
      assertTrue(rs.next(), "event written before the restart is still there");
      assertEquals("call|x", rs.getString(1));
    }
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW listen_addresses")) {
      rs.next();
      assertEquals("127.0.0.1", rs.getString(1));
    }
  }

  @Test
  void commitsAreDurable() throws Exception {
    // a journal write confirmed to an entity must survive a crash of the machine
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
      assertEquals(List.of("on"), strings(c, "SHOW fsync"));
      assertEquals(List.of("on"), strings(c, "SHOW synchronous_commit"));
      assertEquals(List.of("on"), strings(c, "SHOW full_page_writes"));
    }
  }

  @Test
  void aServerLeftRunningOnTheDataDirectoryIsStoppedAtStart() throws Exception {
    Path postgres;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0)) {
      postgres = Postmaster.of(db.dataDir()).orElseThrow().executable();
    }
    // a server nobody stops any more, as a node killed together with its watchdog leaves it
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // as the library runs it: in a user namespace of its own, where root is nobody
    Process stale = new ProcessBuilder("unshare", "-U", postgres.toString(), "-D", root.resolve("postgres").toString(),
        "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1")
        .redirectErrorStream(true).redirectOutput(root.resolve("stale.log").toFile()).start();
    try {
      // another process's pid file: poll it until it names the stale server or that exits
      BooleanSupplier started = () -> Postmaster.of(root.resolve("postgres"))
          .map(p -> p.process().pid() == stale.pid()).orElse(false);
      Until.holds(Duration.ofSeconds(30), () -> started.getAsBoolean() || !stale.isAlive());
      assertTrue(started.getAsBoolean(),
          "the stale server did not start: " + java.nio.file.Files.readString(root.resolve("stale.log")));
      try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0);
          Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
        assertTrue(!stale.isAlive(), "the left-over server was stopped");
        assertEquals(List.of("1"), strings(c, "SELECT 1"));
      }
    } finally {
      stale.destroyForcibly();
    }
  }

  @Test
  void everyConnectionNeedsThePasswordItWasStartedWith() throws Exception {
    for (int start = 0; start < 2; start++) { // a new data directory, then the same one again
      try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0, "s3cret")) {
        java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(
            java.sql.SQLException.class,
            () -> DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres").close());
        assertEquals("28P01", refused.getSQLState(), refused.getMessage()); // invalid password
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "s3cret")) {
          assertEquals(List.of("1"), strings(c, "SELECT 1"));
        }
      }
    }
    // another password than the data directory's: refused, clearly, and nothing left running
    java.io.IOException wrong = org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> EmbeddedDatabase.start(root, 0, "other").close());
    assertTrue(wrong.getMessage().contains("RTC2SIP_DB_PASSWORD"), wrong.getMessage());
    assertTrue(Postmaster.of(root.resolve("postgres")).isEmpty(), "no server left running");
  }

  @Test
  void aDataDirectoryWithoutPasswordGetsOneAtItsNextStart() throws Exception {
    // as every data directory made before passwords: the library's initdb trusts everyone
    java.nio.file.Files.createDirectories(root);
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0, "s3cret")) {
      // made with a password from the start: undo it, as an older node left its directory
      java.nio.file.Files.writeString(root.resolve("postgres").resolve("pg_hba.conf"),
          "local all all trust\nhost all all 127.0.0.1/32 trust\n");
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "s3cret");
          Statement st = c.createStatement()) {
        st.execute("ALTER ROLE postgres PASSWORD NULL");
        st.execute("SELECT pg_reload_conf()");
      }
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(root, 0, "s3cret")) {
      org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> DriverManager.getConnection(db.jdbcUrl(), "postgres", "anything").close());
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "s3cret")) {
        assertEquals(List.of("1"), strings(c, "SELECT 1"));
      }
    }
  }

  private static List<String> tables(Connection c) throws Exception {
    return strings(c, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  }

  private static List<String> indexes(Connection c) throws Exception {
    return strings(c, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
  }

  private static List<String> strings(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
