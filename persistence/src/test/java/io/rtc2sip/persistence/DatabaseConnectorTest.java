package io.rtc2sip.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseConnectorTest {
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void backsOffExponentiallyUpToTheMaximumThenGivesUpWithTheReason() throws Exception {
    DatabaseSettings settings =
        new DatabaseSettings(
            "jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres?ApplicationName=x",
            "postgres", "secret", Path.of("data"), 0, Duration.ofMillis(500), Duration.ofSeconds(3));
    List<Duration> waits = new ArrayList<>();
    DatabaseConnector connector = new DatabaseConnector(settings, waits::add);

    var e = assertThrows(DatabaseConnector.DatabaseUnavailableException.class, () -> connector.connectWithBackoff(6));

    assertEquals(
        List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(3)),
        waits);
    assertTrue(e.getMessage().contains("unreachable after 6 attempts"), e.getMessage());
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
    assertTrue(!e.getMessage().contains("ApplicationName") && !e.getMessage().contains("secret"), e.getMessage());
  }
}
