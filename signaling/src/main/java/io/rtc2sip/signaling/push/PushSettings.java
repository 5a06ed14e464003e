package io.rtc2sip.signaling.push;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the push notifications of parked calls ({@code rtc2sip.push}).
 *
 * @param url where the push receiver listens (http or https); null: no push, a parked call only
 *     waits for its callee to log in
 * @param secret the HMAC-SHA256 key that signs each request (at least 16 characters when
 *     {@code url} is set); never logged
 * @param timeout how long one attempt waits for the receiver's answer (also bounded by the call's
 *     deadline)
 * @param retries attempts after the first, for answers worth another attempt
 * @param backoff the wait before the first retry, doubled before each further one
 * @param anyUidPattern with a {@code url}: a call for a uid never seen here that matches it
 *     (whole uid) is parked and pushed too; null: only users the gateway has seen
 */
public record PushSettings(URI url, String secret, Duration timeout, int retries,
    Duration backoff, Pattern anyUidPattern) {

  public static final String CONFIG_PATH = "rtc2sip.push";
  /** Shortest secret accepted. */
  public static final int MIN_SECRET = 16;
  /** No push. */
  public static final PushSettings NONE =
      new PushSettings(null, "", Duration.ofSeconds(3), 3, Duration.ofMillis(500), null);

  public PushSettings {
    if (url != null) {
      String scheme = url.getScheme() == null ? "" : url.getScheme();
      if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
        throw new IllegalArgumentException(CONFIG_PATH + ".url must be an http or https URL");
      }
      if (secret == null || secret.length() < MIN_SECRET) {
        throw new IllegalArgumentException(CONFIG_PATH + ".secret must have at least "
            + MIN_SECRET + " characters when " + CONFIG_PATH + ".url is set");
      }
    }
    if (timeout == null || timeout.isZero() || timeout.isNegative()
        || backoff == null || backoff.isNegative()) {
      throw new IllegalArgumentException(CONFIG_PATH + ".timeout must be positive and "
          + CONFIG_PATH + ".backoff not negative");
    }
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException(CONFIG_PATH + ".retries must be 0 to 10: " + retries);
    }
  }

  /** Whether pushes are sent. */
  public boolean enabled() {
    return url != null;
  }

  /** Whether a call for {@code uid}, never seen here, is parked and pushed. */
  public boolean parkable(String uid) {
    return enabled() && anyUidPattern != null && anyUidPattern.matcher(uid).matches();
  }

  /** The wait after failed attempt {@code attempt} (from 1): backoff, 2 backoff, 4 backoff... */
  public Duration backoffAfter(int attempt) {
    return backoff.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
  }

  /** Whether attempt {@code attempt} (from 1) is the last one allowed. */
  public boolean last(int attempt) {
    return attempt >= 1 + retries;
  }

  /** Reads {@code rtc2sip.push}. */
  public static PushSettings fromConfig(Config config) {
    Config c = config.getConfig(CONFIG_PATH);
    String url = c.getString("url").trim();
    String pattern = c.getString("any-uid-pattern").trim();
    Pattern uids;
    try {
      uids = pattern.isEmpty() ? null : Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(CONFIG_PATH + ".any-uid-pattern is not a regular"
          + " expression: " + e.getDescription());
    }
    URI uri;
    try {
      uri = url.isEmpty() ? null : URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(CONFIG_PATH + ".url is not a URL");
    }
    return new PushSettings(uri, c.getString("secret"), c.getDuration("timeout"),
        c.getInt("retries"), c.getDuration("backoff"), uids);
  }

  /**
   * The URL for logs: scheme, host, port and path only (a receiver's token in user info or
   * query stays out of the logs, like the secret).
   */
  public String loggableUrl() {
    if (url == null) {
      return "(none)";
    }
    return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  /** Never shows the secret, nor user info or query of the URL. */
  @Override
  public String toString() {
    return "PushSettings[url=" + loggableUrl() + ", timeout=" + timeout + ", retries=" + retries
        + ", backoff=" + backoff + ", anyUidPattern=" + anyUidPattern + "]";
  }
}
