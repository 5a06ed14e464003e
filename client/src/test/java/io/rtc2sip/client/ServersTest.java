package io.rtc2sip.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServersTest {
  @Test
  void aLostConnectionMovesOnToTheNextServerAndWaitsLongerAfterEachFullRound() {
    Servers s = Servers.parse("127.0.0.1:7070, 127.0.0.1:7080,localhost:7090");
    assertEquals(7070, s.current().getPort());
    assertEquals(Duration.ZERO, s.failed());
    assertEquals(7080, s.current().getPort());
    assertEquals(Duration.ZERO, s.failed());
    assertEquals("localhost", s.current().getHostString());
    assertEquals(Servers.FIRST_DELAY, s.failed()); // a full round: wait before the first again
    s.failed();
    s.failed();
    assertEquals(Servers.FIRST_DELAY.multipliedBy(2), s.failed());
    for (int i = 0; i < 30; i++) {
      s.failed();
    }
    assertEquals(Servers.MAX_DELAY, s.failed());
    s.connected();
    s.failed();
    s.failed();
    assertEquals(Servers.FIRST_DELAY, s.failed());
  }

  @Test
  void oneServerIsRetriedWithTheBackoff() {
    Servers s = Servers.parse("h:1");
    assertEquals(Servers.FIRST_DELAY, s.failed());
    assertEquals(Servers.FIRST_DELAY.multipliedBy(2), s.failed());
    assertEquals("h", s.current().getHostString());
  }

  @Test
  void badEntriesAreRefusedClearly() {
    assertThrows(IllegalArgumentException.class, () -> Servers.parse("h"));
    assertThrows(IllegalArgumentException.class, () -> Servers.parse("h:x"));
    assertThrows(IllegalArgumentException.class, () -> Servers.parse("h:70000"));
    assertThrows(IllegalArgumentException.class, () -> Servers.parse("h:1,:2"));
  }
}
