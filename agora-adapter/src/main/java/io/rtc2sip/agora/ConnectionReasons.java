package io.rtc2sip.agora;

import java.util.Map;

/**
 * The SDK's connection-change reasons ({@code CONNECTION_CHANGED_REASON_TYPE}) and what a leg
 * does when its connection fails or drops for one of them.
 */
final class ConnectionReasons {

  /** What a failed or dropped connection leads to. */
  enum Policy {
    /** Join again with a fresh token, a bounded number of times. */
    REJOIN,
    /** Joining again cannot help (configuration, ban, full channel): the call ends. */
    END_CALL,
    /** The same bot user joined elsewhere (another node took the call over): leave quietly. */
    TAKEN_OVER
  }

  static final int REJOIN_SUCCESS = 15;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(0, "CONNECTING"),
      Map.entry(1, "JOIN_SUCCESS"),
      Map.entry(2, "INTERRUPTED"),
      Map.entry(3, "BANNED_BY_SERVER"),
      Map.entry(4, "JOIN_FAILED"),
      Map.entry(5, "LEAVE_CHANNEL"),
      Map.entry(6, "INVALID_APP_ID"),
      Map.entry(7, "INVALID_CHANNEL_NAME"),
      Map.entry(8, "INVALID_TOKEN"),
      Map.entry(9, "TOKEN_EXPIRED"),
      Map.entry(10, "REJECTED_BY_SERVER"),
      Map.entry(11, "SETTING_PROXY_SERVER"),
      Map.entry(12, "RENEW_TOKEN"),
      Map.entry(13, "CLIENT_IP_ADDRESS_CHANGED"),
      Map.entry(14, "KEEP_ALIVE_TIMEOUT"),
      Map.entry(15, "REJOIN_SUCCESS"),
      Map.entry(16, "LOST"),
      Map.entry(17, "ECHO_TEST"),
      Map.entry(18, "IP_CHANGED_BY_USER"),
      Map.entry(19, "SAME_UID_LOGIN"),
      Map.entry(20, "TOO_MANY_BROADCASTERS"));

  private static final Map<Integer, Policy> POLICIES = Map.of(
      3, Policy.END_CALL,
      6, Policy.END_CALL,
      7, Policy.END_CALL,
      8, Policy.END_CALL,
      10, Policy.END_CALL,
      20, Policy.END_CALL,
      19, Policy.TAKEN_OVER);

  private ConnectionReasons() {}

  /** The policy for a connection that failed (or dropped) with {@code reason}. */
  static Policy policy(int reason) {
    return POLICIES.getOrDefault(reason, Policy.REJOIN);
  }

  /** {@code NAME(code)}, for log lines and causes. */
  static String describe(int reason) {
    return NAMES.getOrDefault(reason, "UNKNOWN") + "(" + reason + ")";
  }
}
