package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RTC2SIP_DB_USER other than postgres without RTC2SIP_DB_URL: refused before anything starts. */
class EmbeddedDatabaseUserTest {
  @TempDir Path data;

  @Test
  void theEmbeddedDatabaseHasOneUser() {
    var config = NodeConfig.load(Map.of(), ConfigFactory.parseMap(Map.of(
        "rtc2sip.db.user", "rtc2sip", "rtc2sip.data-dir", data.toString())));
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> GatewayNode.start(config, system -> { }));
    assertEquals("the embedded database's user is postgres, not rtc2sip (RTC2SIP_DB_USER names"
        + " the user of an external database, RTC2SIP_DB_URL)", refused.getMessage());
    assertFalse(Files.exists(data.resolve("postgres")), "no database was started");
  }
}
