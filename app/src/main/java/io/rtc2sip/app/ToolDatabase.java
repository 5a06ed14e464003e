package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.rtc2sip.persistence.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The journal database as the command-line tools ({@code replay}, {@code calls}) reach it: the
 * configured external database, or the embedded one of a node running on this machine with the
 * same data directory.
 */
final class ToolDatabase {
  private ToolDatabase() {}

  static Connection connect(Config config) throws SQLException {
    DatabaseSettings db = DatabaseSettings.from(config);
    return DriverManager.getConnection(url(db), db.user(), db.password());
  }

  static String displayUrl(Config config) {
    DatabaseSettings db = DatabaseSettings.from(config);
    return db.embedded() ? "the embedded database under " + db.dataDir() : db.displayUrl();
  }

  private static String url(DatabaseSettings db) {
    if (!db.embedded()) {
      return db.url();
    }
    Path file = db.dataDir().resolve(GatewayNode.EMBEDDED_URL_FILE);
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no RTC2SIP_DB_URL and no running node with an embedded"
          + " database under " + db.dataDir() + ": start the node or set RTC2SIP_DB_URL");
    }
  }
}
