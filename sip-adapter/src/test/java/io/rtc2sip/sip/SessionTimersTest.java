package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionTimersTest {
  @Test
  void sessionExpiresValuesAreRead() {
    assertEquals(Optional.of(new SessionTimers.Interval(1800, "uac")),
        SessionTimers.parse("1800;refresher=uac"));
    assertEquals(Optional.of(new SessionTimers.Interval(90, "uas")),
        SessionTimers.parse(" 90 ; foo=bar ; REFRESHER = UAS"));
    assertEquals(Optional.of(new SessionTimers.Interval(600, null)),
        SessionTimers.parse("600"));
    assertTrue(SessionTimers.parse("soon").isEmpty());
    assertTrue(SessionTimers.parse("-5;refresher=uac").isEmpty());
    assertTrue(SessionTimers.parse("99999999999").isEmpty(), "no overflow");
  }
}
