package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;
import java.time.Instant;

/**
 * How far a parked call's push notification is: {@code attempts} finished so far, its {@code
 * status}, and when the next attempt is due ({@code retryAt}, null while an attempt is under way
 * or when there is none to come). Rebuilt from the call's events, so a call recovered on
 * another node knows whether to push again.
 */
public record PushProgress(int attempts, Status status, Instant retryAt)
    implements CborSerializable {

  /** Where a push stands. */
  public enum Status {
    /** No push was asked for (no push service on the node that parked the call). */
    NONE,
    /** Asked for and neither delivered nor given up: an attempt is under way or due. */
    PENDING,
    /** The receiver took it. */
    DELIVERED,
    /** Given up (a permanent refusal, the last attempt, or no time left before the deadline). */
    FAILED
  }

  /** No push. */
  public static final PushProgress NONE = new PushProgress(0, Status.NONE, null);
  /** The first attempt is under way. */
  public static final PushProgress FIRST = new PushProgress(0, Status.PENDING, null);

  public PushProgress {
    status = status == null ? Status.NONE : status;
  }

  /** Whether an attempt is still to come or under way. */
  public boolean pending() {
    return status == Status.PENDING;
  }

  /** Attempt {@code attempt} finished; the next one is due at {@code next} (null: none). */
  PushProgress attempted(int attempt, Instant next) {
    return new PushProgress(attempt, Status.PENDING, next);
  }

  PushProgress delivered(int attempt) {
    return new PushProgress(attempt, Status.DELIVERED, null);
  }

  PushProgress failed(int attempt) {
    return new PushProgress(attempt, Status.FAILED, null);
  }
}
