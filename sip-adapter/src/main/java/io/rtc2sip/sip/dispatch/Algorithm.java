package io.rtc2sip.sip.dispatch;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a destination set picks the server of a call among its live servers. */
public enum Algorithm {
  /** Smooth weighted round robin: over any run of calls, each server's share is its weight's. */
  WEIGHTED("weighted"),
  /** Each server in turn, weights ignored. */
  ROUND_ROBIN("round-robin"),
  /** A hash of the call's SIP Call-ID: the same Call-ID always goes to the same live server. */
  HASH_CALL_ID("hash-call-id"),
  /** A hash of the calling user: a user's calls go to the same live server. */
  HASH_CALLER("hash-caller"),
  /** The lowest priority value first; servers of one priority share by weight. */
  PRIORITY("priority");

  private final String configName;

  Algorithm(String configName) {
    this.configName = configName;
  }

  /** The name in configuration. */
  public String configName() {
    return configName;
  }

  /** The algorithm named {@code name} in configuration; {@code where} names the setting. */
  static Algorithm of(String name, String where) {
    for (Algorithm a : values()) {
      if (a.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(where + ": unknown algorithm \"" + name + "\" (one of "
        + Arrays.stream(values()).map(Algorithm::configName).collect(Collectors.joining(", "))
        + ")");
  }
}
