package io.rtc2sip.actors.call;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Call timers, from {@code rtc2sip.call} (defaults in this module's {@code reference.conf}).
 *
 * @param noAnswerTimeout how long a call may ring before it ends with no-answer
 * @param parkTimeout how long an inbound call waits for an offline callee to log in
 * @param cancelTimeout how long we wait for the final response after sending CANCEL (64*T1)
 * @param sipDomain host part of our users' SIP URIs and of dialled numbers without a host
 * @param dtmfByInfo digits from clients go to the SIP peer as SIP INFO (application/dtmf-relay)
 *     instead of RFC 4733 events in the media
 * @param browserReofferTimeout how long a browser's call recovered on another node waits for the
 *     browser's new offer ({@code reoffer}) before it ends with rtc-media-failed
 * @param parkedRingback a parked call's caller gets 183 with our SDP and hears our in-band
 *     ringback until the answer (false: 180, the caller's phone rings by itself)
 * @param ringbackToSip the same for the caller of a callee who is online: 183 and our ringback
 *     while the callee's app rings, instead of 180
 * @param conference the {@code conference} signal adds parties to a call (false: rejected; the
 *     entity keeps the membership, but the media bridge does not mix the parties yet)
 */
public record CallSettings(
    Duration noAnswerTimeout, Duration parkTimeout, Duration cancelTimeout, String sipDomain,
    boolean dtmfByInfo, Duration browserReofferTimeout, boolean parkedRingback,
    boolean ringbackToSip, boolean conference) {

  public static final String CONFIG_PATH = "rtc2sip.call";
  /** The default of {@code browser-reoffer-timeout}. */
  public static final Duration BROWSER_REOFFER_TIMEOUT = Duration.ofSeconds(10);

  public CallSettings {
    requirePositive("no-answer-timeout", noAnswerTimeout);
    requirePositive("park-timeout", parkTimeout);
    requirePositive("cancel-timeout", cancelTimeout);
    requirePositive("browser-reoffer-timeout", browserReofferTimeout);
    if (sipDomain == null || sipDomain.isBlank() || sipDomain.contains("@")) {
      throw new IllegalArgumentException(CONFIG_PATH + ".sip-domain must be a host: " + sipDomain);
    }
  }

  /** Settings with DTMF in the media (RFC 4733). */
  public CallSettings(Duration noAnswerTimeout, Duration parkTimeout, Duration cancelTimeout,
      String sipDomain) {
    this(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, false);
  }

  /** Settings with the default wait for a moved browser's new offer. */
  public CallSettings(Duration noAnswerTimeout, Duration parkTimeout, Duration cancelTimeout,
      String sipDomain, boolean dtmfByInfo) {
    this(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        BROWSER_REOFFER_TIMEOUT);
  }

  /** Settings without ringback from the gateway for parked calls. */
  public CallSettings(Duration noAnswerTimeout, Duration parkTimeout, Duration cancelTimeout,
      String sipDomain, boolean dtmfByInfo, Duration browserReofferTimeout) {
    this(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        browserReofferTimeout, false);
  }

  /** Settings without ringback from the gateway while an online callee's app rings. */
  public CallSettings(Duration noAnswerTimeout, Duration parkTimeout, Duration cancelTimeout,
      String sipDomain, boolean dtmfByInfo, Duration browserReofferTimeout,
      boolean parkedRingback) {
    this(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        browserReofferTimeout, parkedRingback, false);
  }

  /** Settings without conferences. */
  public CallSettings(Duration noAnswerTimeout, Duration parkTimeout, Duration cancelTimeout,
      String sipDomain, boolean dtmfByInfo, Duration browserReofferTimeout,
      boolean parkedRingback, boolean ringbackToSip) {
    this(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        browserReofferTimeout, parkedRingback, ringbackToSip, false);
  }

  /** These settings with {@code on} as {@link #parkedRingback}. */
  public CallSettings withParkedRingback(boolean on) {
    return new CallSettings(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        browserReofferTimeout, on, ringbackToSip, conference);
  }

  /** These settings with {@code on} as {@link #ringbackToSip}. */
  public CallSettings withRingbackToSip(boolean on) {
    return new CallSettings(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        browserReofferTimeout, parkedRingback, on, conference);
  }

  /** These settings with {@code on} as {@link #conference}. */
  public CallSettings withConference(boolean on) {
    return new CallSettings(noAnswerTimeout, parkTimeout, cancelTimeout, sipDomain, dtmfByInfo,
        browserReofferTimeout, parkedRingback, ringbackToSip, on);
  }

  /** Reads {@code rtc2sip.call} from the given config. */
  public static CallSettings fromConfig(Config config) {
    Config c = config.getConfig(CONFIG_PATH);
    return new CallSettings(
        c.getDuration("no-answer-timeout"),
        c.getDuration("park-timeout"),
        c.getDuration("cancel-timeout"),
        c.getString("sip-domain"),
        dtmfByInfo(c.getString("dtmf-out")),
        c.getDuration("browser-reoffer-timeout"),
        c.getBoolean("parked-ringback"),
        c.getBoolean("ringback-to-sip"),
        c.getBoolean("conference"));
  }

  private static boolean dtmfByInfo(String mode) {
    return switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "rfc4733" -> false;
      case "info" -> true;
      default -> throw new IllegalArgumentException(CONFIG_PATH
          + ".dtmf-out must be rfc4733 or info, not " + mode);
    };
  }

  /** Reads {@code rtc2sip.call} from the system's config. */
  public static CallSettings of(ActorSystem<?> system) {
    return fromConfig(system.settings().config());
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(CONFIG_PATH + "." + name + " must be positive: " + d);
    }
  }
}
