package io.rtc2sip.sip;

import com.typesafe.config.Config;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP timer T1 (RFC 3261 17.1.1.1, the round-trip estimate; {@code rtc2sip.sip.t1}) and the
 * waits of ours that follow it: our reliable 18x go again at T1 doubling until 64*T1 ({@link
 * ReliableProvisionals}), and our 2xx waits 64*T1 for its ACK ({@link #ackWait}). The stack's
 * own transaction timers and its retransmission of our 2xx run on its fixed 500 ms tick.
 *
 * @param t1 the round-trip estimate
 */
public record SipTimers(Duration t1) {
  private static final Logger log = LoggerFactory.getLogger(SipTimers.class);

  /** The key T1 had when only reliable 18x used it; still read when set. */
  static final String OLD_T1 = "rtc2sip.sip.reliable-provisionals.t1";

  /** The defaults of reference.conf (T1 = 500 ms, as RFC 3261 recommends). */
  public static final SipTimers DEFAULT = new SipTimers(Duration.ofMillis(500));

  public SipTimers {
    if (t1.isNegative() || t1.isZero()) {
      throw new IllegalArgumentException("rtc2sip.sip.t1 must be positive");
    }
  }

  /**
   * How long our 2xx to an INVITE is sent again without its ACK before the call is told
   * (64*T1, RFC 3261 13.3.1.4): 32 s with the default T1.
   */
  public Duration ackWait() {
    return t1.multipliedBy(64);
  }

  /**
   * T1 from {@code rtc2sip.sip.t1}. A configuration that still sets the old key {@code
   * rtc2sip.sip.reliable-provisionals.t1} gets its value (with a warning) while {@code
   * rtc2sip.sip.t1} has its default; the two set to different values are refused.
   */
  public static SipTimers fromConfig(Config config) {
    Duration t1 = config.getDuration("rtc2sip.sip.t1");
    if (config.hasPath(OLD_T1)) {
      Duration old = config.getDuration(OLD_T1);
      if (!old.equals(t1) && !t1.equals(DEFAULT.t1())) {
        throw new IllegalArgumentException(OLD_T1 + " (" + old + ") and rtc2sip.sip.t1 (" + t1
            + ") differ: set only rtc2sip.sip.t1");
      }
      log.warn("{} is now rtc2sip.sip.t1 (RTC2SIP_SIP_T1): T1 = {} ms", OLD_T1, old.toMillis());
      t1 = old;
    }
    return new SipTimers(t1);
  }
}
