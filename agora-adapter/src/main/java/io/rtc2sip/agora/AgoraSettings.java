package io.rtc2sip.agora;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Agora RTC network ({@code rtc2sip.rtc.agora}, see reference.conf).
 *
 * @param stringUids users are string accounts (the SDK's {@code useStringUid}); otherwise
 *     decimal uint32 uids
 * @param tokenExpiry lifetime of minted tokens and their privileges (renewed before expiry)
 * @param headStartFrames 10 ms frames pushed ahead of real time
 * @param receiveQueueFrames received 10 ms frames kept for the media clock; older ones dropped
 * @param reconnectGrace how long a leg may stay not connected (joining, or the SDK rejoining by
 *     itself) before it joins again on its own
 * @param reconnectAttempts joins after the first before the leg gives up and ends the call
 * @param reconnectBackoff wait before the first of those joins, doubled for each next one
 * @param reconnectBackoffMax longest such wait
 * @param disconnectTimeout teardown: longest wait for the SDK to report the disconnect
 * @param destroyDelay teardown: pause between the disconnect and freeing the connection
 * @param logDir directory of the SDK's own log file
 */
public record AgoraSettings(
    String appId,
    String appCertificate,
    boolean stringUids,
    Duration tokenExpiry,
    int headStartFrames,
    int receiveQueueFrames,
    Duration reconnectGrace,
    int reconnectAttempts,
    Duration reconnectBackoff,
    Duration reconnectBackoffMax,
    Duration disconnectTimeout,
    Duration destroyDelay,
    String logDir) {

  public AgoraSettings {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(appCertificate, "appCertificate");
    Objects.requireNonNull(logDir, "logDir");
    require(tokenExpiry.compareTo(Duration.ofMinutes(1)) >= 0
        && tokenExpiry.compareTo(Duration.ofHours(24)) <= 0, "token-expiry is 1m..24h");
    require(headStartFrames >= 1 && headStartFrames <= 50, "head-start is 1..50 frames");
    require(receiveQueueFrames >= 2 && receiveQueueFrames <= 500, "receive-queue is 2..500");
    require(!reconnectGrace.isNegative() && !reconnectGrace.isZero(), "reconnect.grace > 0");
    require(reconnectAttempts >= 0 && reconnectAttempts <= 100, "reconnect.attempts is 0..100");
    require(!reconnectBackoff.isNegative() && reconnectBackoffMax.compareTo(reconnectBackoff) >= 0,
        "0 <= reconnect.backoff <= reconnect.backoff-max");
    require(!disconnectTimeout.isNegative() && !destroyDelay.isNegative(),
        "teardown durations are not negative");
  }

  /** The settings under {@code rtc2sip.rtc.agora} of {@code root}. */
  public static AgoraSettings from(Config root) {
    Config c = root.getConfig("rtc2sip.rtc.agora");
    return new AgoraSettings(
        c.getString("app-id").trim(),
        c.getString("app-certificate").trim(),
        c.getBoolean("string-uids"),
        c.getDuration("token-expiry"),
        c.getInt("head-start"),
        c.getInt("receive-queue"),
        c.getDuration("reconnect.grace"),
        c.getInt("reconnect.attempts"),
        c.getDuration("reconnect.backoff"),
        c.getDuration("reconnect.backoff-max"),
        c.getDuration("teardown.disconnect-timeout"),
        c.getDuration("teardown.destroy-delay"),
        c.getString("log-dir"));
  }

  /** The wait before rejoin number {@code attempt} (from 1). */
  Duration backoff(int attempt) {
    Duration d = reconnectBackoff;
    for (int i = 1; i < attempt && d.compareTo(reconnectBackoffMax) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(reconnectBackoffMax) > 0 ? reconnectBackoffMax : d;
  }

  /** {@code d} for log lines: {@code 1h}, {@code 15s}, {@code 500ms}. */
  static String format(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  @Override
  public String toString() {
    return "AgoraSettings[appId=" + appId + ", appCertificate="
        + (appCertificate.isEmpty() ? "(none)" : "(set)") + ", stringUids=" + stringUids
        + ", tokenExpiry=" + format(tokenExpiry) + ", headStartFrames=" + headStartFrames
        + ", receiveQueueFrames=" + receiveQueueFrames
        + ", reconnectGrace=" + format(reconnectGrace) + ", reconnectAttempts="
        + reconnectAttempts + ", reconnectBackoff=" + format(reconnectBackoff) + ".."
        + format(reconnectBackoffMax) + ", logDir=" + logDir + "]";
  }

  private static void require(boolean ok, String rule) {
    if (!ok) {
      throw new IllegalArgumentException("rtc2sip.rtc.agora: " + rule);
    }
  }
}
