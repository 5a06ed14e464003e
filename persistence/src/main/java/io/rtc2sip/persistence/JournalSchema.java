package io.rtc2sip.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the journal, tag, snapshot and durable-state tables of Pekko Persistence JDBC from the
 * DDL shipped in its jar. The shipped script is not idempotent (an index without IF NOT EXISTS,
 * indexes built CONCURRENTLY), so it is run statement by statement in autocommit, each made
 * idempotent first. Safe to run on every start and from several nodes at once.
 */
public final class JournalSchema {
  private static final Logger log = LoggerFactory.getLogger(JournalSchema.class);
  static final String DDL_RESOURCE = "schema/postgres/postgres-create-schema.sql";
  private static final Pattern CREATE_INDEX =
      Pattern.compile(
          "(?i)^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?!IF\\s+NOT\\s+EXISTS)");

  private JournalSchema() {}

  /** The shipped statements, each made idempotent. */
  public static List<String> statements() {
    String ddl;
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(DDL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DDL_RESOURCE + " not on the class path");
      }
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DDL_RESOURCE, e);
    }
    List<String> out = new ArrayList<>();
    for (String raw : ddl.split(";")) {
      String stmt = raw.strip();
      if (!stmt.isEmpty()) {
        out.add(idempotent(stmt));
      }
    }
    return out;
  }

  static String idempotent(String stmt) {
    Matcher m = CREATE_INDEX.matcher(stmt);
    if (m.find()) {
      return m.replaceFirst(m.group(0) + "IF NOT EXISTS ");
    }
    return stmt;
  }

  /** Session advisory lock that serialises schema creation between nodes. */
  static final long LOCK_KEY = 0x72746332736970L; // "rtc2sip"

  /**
   * Takes the lock by polling: a session blocked inside pg_advisory_lock would hold a
   * transaction open, and CREATE INDEX CONCURRENTLY in the session that has the lock waits for
   * every open transaction, which would deadlock.
   */
  private static void lock(Statement st) throws SQLException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try (java.sql.ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY
          + ")")) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new SQLException("another node held the schema lock for 120 s");
      }
      try {
        Thread.sleep(100); // another node is creating the schema
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for the schema lock", e);
      }
    }
  }

  /**
   * Runs every statement; tables and indexes that exist are left as they are. Nodes starting
   * at the same time on a fresh database take turns (PostgreSQL advisory lock): concurrent
   * {@code CREATE TABLE IF NOT EXISTS} of the same table can still collide in the catalog.
   */
  public static void create(Connection connection) throws SQLException {
    runLocked(connection, statements());
    log.info("journal schema present");
  }

  /**
   * Runs idempotent DDL ({@code IF NOT EXISTS}) with the schema lock held and autocommit on, so
   * that nodes starting together on a fresh database take turns. Every schema of ours is created
   * through here: the journal's and the read sides'.
   */
  public static void runLocked(Connection connection, List<String> ddl) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(true);
    try (Statement st = connection.createStatement()) {
      lock(st);
      try {
        for (String stmt : ddl) {
          st.execute(stmt);
        }
      } finally {
        st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
      }
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }
}
