package io.rtc2sip.agora;

import io.rtc2sip.actors.rtc.RtcTokens;
import io.agora.media.RtcTokenBuilder2;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Mints Agora access tokens (AccessToken2, {@link RtcTokenBuilder2}) for one channel and user,
 * with publisher privileges: for the gateway's bot user of a call, and for the RTC client user
 * of that call (whose app joins with it). Token and privileges last {@code expiry}; the bot
 * renews its own before they run out.
 */
public final class AgoraTokens implements RtcTokens {
  private static final Pattern APP_KEY = Pattern.compile("[0-9a-fA-F]{32}");
  private static final long MAX_UID = 0xFFFF_FFFFL;

  private final String appId;
  private final String appCertificate;
  private final int expirySeconds;
  private final boolean stringUids;
  private final RtcTokenBuilder2 builder = new RtcTokenBuilder2();

  /**
   * @param stringUids users are string accounts; otherwise decimal uint32 uids
   * @throws IllegalArgumentException when the App ID or certificate is missing or malformed
   */
  public AgoraTokens(String appId, String appCertificate, Duration expiry, boolean stringUids) {
    if (appId == null || !APP_KEY.matcher(appId).matches()) {
      throw new IllegalArgumentException("the Agora App ID (RTC2SIP_AGORA_APP_ID,"
          + " rtc2sip.rtc.agora.app-id) must be the 32 hex digits shown in Agora's console");
    }
    if (appCertificate == null || appCertificate.isBlank()) {
      throw new IllegalArgumentException("Agora tokens need the App Certificate: set"
          + " RTC2SIP_AGORA_APP_CERTIFICATE (rtc2sip.rtc.agora.app-certificate) to the primary"
          + " certificate of App ID " + appId + " (Agora console, project settings)");
    }
    if (!APP_KEY.matcher(appCertificate).matches()) {
      throw new IllegalArgumentException("the Agora App Certificate (RTC2SIP_AGORA_APP_CERTIFICATE)"
          + " must be 32 hex digits");
    }
    long seconds = expiry.getSeconds();
    if (seconds < 60 || seconds > Duration.ofHours(24).getSeconds()) {
      throw new IllegalArgumentException("Agora token expiry is 1 minute to 24 hours: " + expiry);
    }
    this.appId = appId;
    this.appCertificate = appCertificate;
    this.expirySeconds = (int) seconds;
    this.stringUids = stringUids;
  }

  /** Tokens as configured in {@code settings}. */
  public static AgoraTokens of(AgoraSettings settings) {
    return new AgoraTokens(settings.appId(), settings.appCertificate(), settings.tokenExpiry(),
        settings.stringUids());
  }

  /** Lifetime of a token from the moment it is minted. */
  public Duration expiry() {
    return Duration.ofSeconds(expirySeconds);
  }

  /**
   * A token that lets {@code uid} join {@code channel} and publish there.
   *
   * @throws IllegalArgumentException when {@code uid} is not valid for the uid mode
   */
  @Override
  public String issue(String channel, String uid) {
    if (channel == null || channel.isEmpty() || uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException("a token needs a channel and a uid");
    }
    String token = stringUids
        ? builder.buildTokenWithUserAccount(appId, appCertificate, channel, uid,
            RtcTokenBuilder2.Role.ROLE_PUBLISHER, expirySeconds, expirySeconds)
        : builder.buildTokenWithUid(appId, appCertificate, channel, (int) numericUid(uid),
            RtcTokenBuilder2.Role.ROLE_PUBLISHER, expirySeconds, expirySeconds);
    if (token == null || token.isEmpty()) {
      throw new IllegalStateException("Agora's token builder refused channel " + channel
          + " and uid " + uid);
    }
    return token;
  }

  /** {@code uid} as an Agora numeric uid (1 to 2^32-1). */
  static long numericUid(String uid) {
    long value;
    try {
      value = uid.chars().allMatch(c -> c >= '0' && c <= '9') && uid.length() <= 10
          ? Long.parseLong(uid) : -1;
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 1 || value > MAX_UID) {
      throw new IllegalArgumentException("with rtc2sip.rtc.agora.string-uids = false an Agora uid"
          + " is a decimal number from 1 to 4294967295, not \"" + uid + "\"");
    }
    return value;
  }
}
