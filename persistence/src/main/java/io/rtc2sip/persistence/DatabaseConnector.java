package io.rtc2sip.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to the journal database, waiting with exponential backoff while it cannot be
 * reached: one log line per attempt with the reason, never a stack trace per retry.
 */
public final class DatabaseConnector {
  private static final Logger log = LoggerFactory.getLogger(DatabaseConnector.class);

  /** How the connector waits between attempts; tests pass one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final DatabaseSettings settings;
  private final Sleeper sleeper;

  public DatabaseConnector(DatabaseSettings settings) {
    this(settings, d -> Thread.sleep(d.toMillis()));
  }

  public DatabaseConnector(DatabaseSettings settings, Sleeper sleeper) {
    this.settings = settings;
    this.sleeper = sleeper;
  }

  /** One attempt. */
  public Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password());
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(settings.url(), props);
  }

  /**
   * Connects, retrying with backoff (doubling from the configured minimum up to the maximum) until
   * it succeeds or {@code maxAttempts} attempts failed.
   *
   * @throws DatabaseUnavailableException after the last failed attempt
   */
  public Connection connectWithBackoff(int maxAttempts) throws InterruptedException {
    Duration wait = settings.connectBackoffMin();
    for (int attempt = 1; ; attempt++) {
      try {
        Connection c = connect();
        if (attempt > 1) {
          log.info("database {} reachable after {} attempts", settings.displayUrl(), attempt);
        }
        return c;
      } catch (SQLException e) {
        String reason = reason(e);
        if (attempt >= maxAttempts) {
          throw new DatabaseUnavailableException(
              "database " + settings.displayUrl() + " unreachable after " + attempt
                  + " attempts: " + reason, e);
        }
        log.warn(
            "database {} unreachable (attempt {}): {}; retrying in {} ms",
            settings.displayUrl(), attempt, reason, wait.toMillis());
        sleeper.sleep(wait);
        Duration next = wait.multipliedBy(2);
        wait = next.compareTo(settings.connectBackoffMax()) > 0 ? settings.connectBackoffMax() : next;
      }
    }
  }

  private static String reason(SQLException e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    if (e.getSQLState() != null) {
      sb.append(" [SQLState ").append(e.getSQLState()).append(']');
    }
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
      sb.append(" (").append(cause.getMessage()).append(')');
    }
    return sb.toString();
  }

  /** The database could not be reached within the allowed attempts. */
  public static final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
