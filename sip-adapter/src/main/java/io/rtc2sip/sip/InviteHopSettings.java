package io.rtc2sip.sip;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a node passes an initial INVITE on to the node that runs its call
 * ({@code rtc2sip.sip.invite-hop}).
 *
 * @param enabled false: every INVITE is answered by the node it reached (one-node setups)
 * @param lookupTimeout how long the node waits to learn where the call runs; without an answer it
 *     takes the INVITE itself
 * @param targetTimeout how long the node waits for the first response of the node it passed the
 *     INVITE to (sending it again meanwhile); then the caller gets 503
 * @param maxFlows INVITEs being looked up or passed on at once; beyond, the node takes new
 *     INVITEs itself
 */
public record InviteHopSettings(boolean enabled, Duration lookupTimeout, Duration targetTimeout,
    int maxFlows) {

  /** The defaults of reference.conf. */
  public static final InviteHopSettings DEFAULT =
      new InviteHopSettings(true, Duration.ofSeconds(2), Duration.ofSeconds(4), 10_000);

  public InviteHopSettings {
    if (lookupTimeout.isNegative() || lookupTimeout.isZero() || targetTimeout.isNegative()
        || targetTimeout.isZero() || maxFlows < 1) {
      throw new IllegalArgumentException("rtc2sip.sip.invite-hop: durations must be positive and"
          + " max-flows at least 1");
    }
  }

  public static InviteHopSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.sip.invite-hop");
    return new InviteHopSettings(c.getBoolean("enabled"), c.getDuration("lookup-timeout"),
        c.getDuration("target-timeout"), c.getInt("max-flows"));
  }
}
