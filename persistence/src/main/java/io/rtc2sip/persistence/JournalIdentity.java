package io.rtc2sip.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * The identity of a journal database: a UUID made by the first node that prepares the database
 * and kept in it (one row). Nodes publish it when they join a cluster, so that a node pointed at
 * another database (a second embedded one, a wrong URL) is refused instead of writing calls'
 * events where the others never read them.
 */
public final class JournalIdentity {
  static final String TABLE = "rtc2sip_journal_identity";
  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + TABLE + " (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
          + " id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");

  private JournalIdentity() {}

  /** This database's identity, made now if it has none yet (safe from several nodes at once). */
  public static UUID ensure(Connection connection) throws SQLException {
    JournalSchema.runLocked(connection, DDL);
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + TABLE + " (id) VALUES (?) ON CONFLICT DO NOTHING")) {
      insert.setObject(1, UUID.randomUUID());
      insert.executeUpdate();
    }
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM " + TABLE)) {
      rs.next();
      return rs.getObject(1, UUID.class);
    }
  }
}
