package io.rtc2sip.signaling;

import com.typesafe.config.Config;
import java.time.Duration;

/** Settings of the signaling server ({@code rtc2sip.signaling}). */
public record SignalingSettings(
    String host,
    int port,
    String tokenSecret,
    int maxLine,
    Duration idleTimeout,
    int rateLimit,
    Duration askTimeout) {

  public static final String DEFAULT_SECRET = "rtc2sip-local-development-secret";

  public SignalingSettings {
    if (tokenSecret == null || tokenSecret.length() < 16) {
      throw new IllegalArgumentException(
          "rtc2sip.signaling.token-secret must have at least 16 characters");
    }
    if (maxLine < 256 || rateLimit < 1) {
      throw new IllegalArgumentException("rtc2sip.signaling: max-line >= 256, rate-limit >= 1");
    }
  }

  public static SignalingSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.signaling");
    return new SignalingSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getString("token-secret"),
        c.getInt("max-line"),
        c.getDuration("idle-timeout"),
        c.getInt("rate-limit"),
        c.getDuration("ask-timeout"));
  }
}
