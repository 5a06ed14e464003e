package io.rtc2sip.sip;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * When our provisional responses to an INVITE go reliably (RFC 3262, 100rel and PRACK;
 * {@code rtc2sip.sip.reliable-provisionals}), and how often they go again.
 *
 * @param use which callers get reliable 18x
 * @param t1 SIP timer T1 ({@link SipTimers}, {@code rtc2sip.sip.t1}): the first retransmission
 *     interval of a reliable 18x (doubling each time, until 64*t1 without PRACK)
 */
public record ReliableSettings(Use use, Duration t1) {

  /** Which callers get reliable provisional responses. */
  public enum Use {
    /** None: an INVITE with {@code Require: 100rel} gets 420 Bad Extension. */
    OFF,
    /** Callers whose INVITE says {@code Require: 100rel}; the others get 18x sent once. */
    REQUIRED,
    /** Callers whose INVITE says {@code Supported: 100rel} or {@code Require: 100rel}. */
    SUPPORTED
  }

  /** The defaults of reference.conf. */
  public static final ReliableSettings DEFAULT =
      new ReliableSettings(Use.REQUIRED, SipTimers.DEFAULT.t1());

  public ReliableSettings {
    java.util.Objects.requireNonNull(use, "use");
    if (t1.isNegative() || t1.isZero()) {
      throw new IllegalArgumentException("rtc2sip.sip.t1 must be positive");
    }
  }

  public static ReliableSettings fromConfig(Config config) {
    return fromConfig(config, SipTimers.fromConfig(config));
  }

  /** The setting {@code use} from {@code config}, with T1 of {@code timers}. */
  public static ReliableSettings fromConfig(Config config, SipTimers timers) {
    return new ReliableSettings(use(config.getString("rtc2sip.sip.reliable-provisionals.use")),
        timers.t1());
  }

  private static Use use(String name) {
    for (Use u : Use.values()) {
      if (u.name().equalsIgnoreCase(name.trim())) {
        return u;
      }
    }
    throw new IllegalArgumentException("rtc2sip.sip.reliable-provisionals.use must be off,"
        + " required or supported: " + name);
  }
}
