package io.rtc2sip.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
}
