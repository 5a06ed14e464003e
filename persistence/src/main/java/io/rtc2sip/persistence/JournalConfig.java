package io.rtc2sip.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/** The connection settings of the journal, snapshot store and read journal, known only at run time. */
public final class JournalConfig {
  private JournalConfig() {}

  /** Config that points the shared database of Pekko Persistence JDBC at {@code settings}. */
  public static Config forDatabase(DatabaseSettings settings) {
    String prefix = "pekko-persistence-jdbc.shared-databases.rtc2sip.db.";
    return ConfigFactory.parseMap(
        Map.of(
            prefix + "url", settings.url(),
            prefix + "user", settings.user(),
            prefix + "password", settings.password()));
  }

  /** A new connection to the journal database of a running actor system ({@code config}). */
  public static Connection connect(Config config) throws SQLException {
    Config db = config.getConfig("pekko-persistence-jdbc.shared-databases.rtc2sip.db");
    return DriverManager.getConnection(db.getString("url"), db.getString("user"),
        db.getString("password"));
  }
}
