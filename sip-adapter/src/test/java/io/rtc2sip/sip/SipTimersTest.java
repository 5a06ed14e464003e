package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** T1 from {@code rtc2sip.sip.t1} (or its old key), and the ACK wait of 64*T1. */
class SipTimersTest {

  private static SipTimers read(String settings) {
    Config config = ConfigFactory.parseString(settings).withFallback(ConfigFactory.load());
    return SipTimers.fromConfig(config);
  }

  @Test
  void theDefaultIs500msAndTheAckWait32Seconds() {
    SipTimers timers = SipTimers.fromConfig(ConfigFactory.load());
    assertEquals(SipTimers.DEFAULT, timers);
    assertEquals(Duration.ofMillis(500), timers.t1());
    assertEquals(Duration.ofSeconds(32), timers.ackWait());
  }

  @Test
  void t1IsReadFromItsKeyAndTheAckWaitFollowsIt() {
    SipTimers timers = read("rtc2sip.sip.t1 = 50ms");
    assertEquals(Duration.ofMillis(50), timers.t1());
    assertEquals(Duration.ofMillis(3200), timers.ackWait());
    assertEquals(Duration.ofMillis(50), ReliableSettings.fromConfig(
        ConfigFactory.parseString("rtc2sip.sip.t1 = 50ms").withFallback(ConfigFactory.load()))
        .t1());
  }

  @Test
  void theOldKeyOfReliableProvisionalsStillSetsT1() {
    assertEquals(Duration.ofMillis(200),
        read("rtc2sip.sip.reliable-provisionals.t1 = 200ms").t1());
    assertEquals(Duration.ofMillis(200), read("rtc2sip.sip { t1 = 200ms,"
        + " reliable-provisionals.t1 = 200ms }").t1());
  }

  @Test
  void theOldAndTheNewKeyDifferingOrT1NotPositiveAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> read("rtc2sip.sip { t1 = 100ms,"
        + " reliable-provisionals.t1 = 200ms }"));
    assertThrows(IllegalArgumentException.class, () -> read("rtc2sip.sip.t1 = 0ms"));
  }
}
