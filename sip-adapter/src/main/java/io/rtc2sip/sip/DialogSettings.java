package io.rtc2sip.sip;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long the adapter keeps a call's SIP state without news from the call
 * ({@code rtc2sip.sip.dialogs}).
 *
 * @param unclaimedInvite an INVITE the call has not taken up (rung, answered, rejected) within
 *     this time is checked with the call; one the call will never take up is answered and its
 *     slot and ports freed
 * @param idleCheck a leg without traffic or commands for this long is checked with its call and
 *     dropped if the call is over (a call that moved to another node, an end this node never saw)
 */
public record DialogSettings(Duration unclaimedInvite, Duration idleCheck) {

  /** The defaults of reference.conf. */
  public static final DialogSettings DEFAULT =
      new DialogSettings(Duration.ofSeconds(10), Duration.ofSeconds(60));

  public DialogSettings {
    if (unclaimedInvite.isNegative() || unclaimedInvite.isZero() || idleCheck.isNegative()
        || idleCheck.isZero()) {
      throw new IllegalArgumentException("rtc2sip.sip.dialogs: durations must be positive");
    }
  }

  public static DialogSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.sip.dialogs");
    return new DialogSettings(c.getDuration("unclaimed-invite-timeout"),
        c.getDuration("idle-check"));
  }
}
