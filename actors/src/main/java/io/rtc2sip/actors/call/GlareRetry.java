package io.rtc2sip.actors.call;

import io.rtc2sip.actors.model.SipDialog;
import java.time.Duration;

/**
 * When to retry a re-INVITE that met 491 Request Pending (RFC 3261 section 14.1): the side that
 * owns the dialog's Call-ID (it sent the first INVITE) waits 2.1 to 4 s, the other side 0 to 2 s,
 * so that the two do not meet again.
 *
 * @param ownsCallId whether we generated the dialog's Call-ID
 */
record GlareRetry(boolean ownsCallId) {

  /** The retry of a re-INVITE in {@code dialog}. */
  static GlareRetry in(SipDialog dialog) {
    return new GlareRetry(CallIds.isOurs(dialog.callId()));
  }

  /** The wait for a {@code random} number in [0, 1). */
  Duration delay(double random) {
    if (random < 0 || random >= 1) {
      throw new IllegalArgumentException("a random number in [0, 1): " + random);
    }
    long base = ownsCallId ? 2100 : 0;
    long spread = ownsCallId ? 1900 : 2000;
    return Duration.ofMillis(base + (long) (random * spread));
  }
}
