package io.rtc2sip.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalIdentityTest {
  @TempDir Path one;
  @TempDir Path other;

  @Test
  void aDatabaseKeepsTheIdentityItWasGivenFirstAndTwoDatabasesDiffer() throws Exception {
    UUID first;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(one, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
      first = JournalIdentity.ensure(c);
      assertEquals(first, JournalIdentity.ensure(c), "a second node preparing it finds the same");
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(one, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
      assertEquals(first, JournalIdentity.ensure(c), "kept across restarts");
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(other, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
      assertNotEquals(first, JournalIdentity.ensure(c));
    }
  }
}
