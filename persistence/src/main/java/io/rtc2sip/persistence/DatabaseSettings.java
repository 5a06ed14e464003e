package io.rtc2sip.persistence;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the journal lives. With an empty {@code url} the node runs an embedded PostgreSQL whose
 * data is kept under {@code dataDir/postgres}; otherwise it connects to the given server.
 *
 * @param url JDBC URL of an external PostgreSQL, or empty for the embedded one
 * @param embeddedPort port of the embedded server; 0 picks a free port at each start
 * @param connectBackoffMax longest wait between two connection attempts
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    Path dataDir,
    int embeddedPort,
    Duration connectBackoffMin,
    Duration connectBackoffMax) {

  /** Reads the {@code rtc2sip.db} section and {@code rtc2sip.data-dir}. */
  public static DatabaseSettings from(Config config) {
    Config db = config.getConfig("rtc2sip.db");
    return new DatabaseSettings(
        db.getString("url").trim(),
        db.getString("user"),
        db.getString("password"),
        Path.of(config.getString("rtc2sip.data-dir")).toAbsolutePath().normalize(),
        db.getInt("embedded.port"),
        db.getDuration("connect-backoff.min"),
        db.getDuration("connect-backoff.max"));
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  public DatabaseSettings withUrl(String jdbcUrl) {
    return new DatabaseSettings(
        jdbcUrl, user, password, dataDir, embeddedPort, connectBackoffMin, connectBackoffMax);
  }

  /** The URL without credentials or parameters, for log lines. */
  public String displayUrl() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
