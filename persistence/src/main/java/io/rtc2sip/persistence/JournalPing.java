package io.rtc2sip.persistence;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * One question to the journal database, outside the journal's connection pool (whose borrowers
 * wait up to its connection timeout): a new connection and {@code SELECT 1}, bounded by a
 * connect and socket timeout. Blocking: call it on a blocking dispatcher.
 */
final class JournalPing {
  private final String url;
  private final Properties props = new Properties();

  JournalPing(Config config, Duration timeout) {
    Config db = config.getConfig("pekko-persistence-jdbc.shared-databases.rtc2sip.db");
    this.url = db.getString("url");
    String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
    props.setProperty("user", db.getString("user"));
    props.setProperty("password", db.getString("password"));
    props.setProperty("connectTimeout", seconds);
    props.setProperty("socketTimeout", seconds);
    props.setProperty("loginTimeout", seconds);
  }

  /** Null when the database answered, else why not. */
  String failure() {
    try (Connection c = DriverManager.getConnection(url, props);
        Statement st = c.createStatement()) {
      st.execute("SELECT 1");
      return null;
    } catch (Exception e) {
      return String.valueOf(e.getMessage());
    }
  }
}
