package io.rtc2sip.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes every connection to the embedded PostgreSQL need the superuser's password. The library
 * initialises the server trusting every connection; at each start the password is set and the
 * server's client authentication ({@code pg_hba.conf}) is rewritten to require it
 * (scram-sha-256) on the Unix socket and on loopback, then reloaded.
 */
final class EmbeddedPassword {
  static final String USER = "postgres";
  private static final String HBA = """
      # Written by rtc2sip at each start of the embedded database: a password for every connection.
      local all all scram-sha-256
      host all all 127.0.0.1/32 scram-sha-256
      host all all ::1/128 scram-sha-256
      """;

  private EmbeddedPassword() {}

  /** Sets {@code password} and requires it from now on. */
  static void require(String jdbcUrl, Path dataDir, String password) throws IOException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, USER, password);
        Statement st = c.createStatement()) {
      String alter;
      try (PreparedStatement quote = c.prepareStatement("SELECT format('ALTER ROLE " + USER
          + " PASSWORD %L', ?::text)")) {
        quote.setString(1, password);
        try (ResultSet rs = quote.executeQuery()) {
          rs.next();
          alter = rs.getString(1);
        }
      }
      st.execute("SET password_encryption = 'scram-sha-256'");
      st.execute(alter);
      Files.writeString(dataDir.resolve("pg_hba.conf"), HBA);
      st.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw new IOException("embedded PostgreSQL: cannot set its password: " + e.getMessage(), e);
    }
  }
}
