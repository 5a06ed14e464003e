package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.PushAttemptFinished;
import io.rtc2sip.actors.call.CallCommand.PushOutcome;
import io.rtc2sip.actors.call.CallEvent.PushAttempted;
import io.rtc2sip.actors.call.CallEvent.PushDelivered;
import io.rtc2sip.actors.call.CallEvent.PushFailed;
import io.rtc2sip.actors.call.CallState.Alerting;
import io.rtc2sip.actors.call.CallState.Parked;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The push notification of a parked call: each attempt's outcome is persisted (so it shows in
 * the call's history and a call recovered elsewhere knows whether to push again), and the next
 * attempt is timed by the call, within its deadline. The push service only makes attempts and
 * says whether another one is worth it.
 */
final class PushHandlers {

  private final CallActions a;

  PushHandlers(CallActions actions) {
    this.a = actions;
  }

  /** An attempt ended while the call is parked: delivered, retried later, or given up. */
  ReplyEffect<CallEvent, CallState> finished(Parked state, PushAttemptFinished r) {
    PushProgress push = state.push();
    if (!push.pending() || r.attempt() != push.attempts() + 1) {
      a.log().info("push attempt {} reported late (push {} after {} attempts): ignored",
          r.attempt(), push.status(), push.attempts());
      return a.none();
    }
    Instant now = a.now();
    Instant retryAt = r.outcome() == PushOutcome.RETRY && r.retryIn() != null
        ? now.plus(r.retryIn()) : null;
    String failure = null;
    if (r.outcome() == PushOutcome.FAILED) {
      failure = permanent(r.status()) ? "refused with HTTP " + r.status()
          : "no attempts left (last: " + result(r) + ")";
    } else if (r.outcome() == PushOutcome.RETRY
        && (retryAt == null || !retryAt.isBefore(state.deadline()))) {
      retryAt = null;
      failure = "the next attempt would come after the call's deadline (last: " + result(r) + ")";
    }
    List<CallEvent> events = new ArrayList<>();
    events.add(new PushAttempted(r.attempt(), r.status(), r.error(), r.latencyMillis(),
        retryAt, now));
    String outcome;
    if (r.outcome() == PushOutcome.DELIVERED) {
      events.add(new PushDelivered(r.attempt(), now));
      outcome = "delivered";
    } else if (failure != null) {
      events.add(new PushFailed(r.attempt(), failure, now));
      outcome = "failed";
    } else {
      outcome = "retry";
    }
    Instant next = retryAt;
    String reason = failure;
    return a.effects().persist(events).thenRun(s -> {
      a.pushCounted(outcome, r.latencyMillis());
      switch (outcome) {
        case "delivered" -> a.log().info("push delivered at attempt {} ({} ms)", r.attempt(),
            r.latencyMillis());
        case "failed" -> a.log().warn("push given up after attempt {}: {}", r.attempt(),
            reason);
        default -> {
          a.log().info("push attempt {} failed ({}): next attempt at {}", r.attempt(),
              result(r), next);
          a.armPushRetry(java.time.Duration.between(now, next));
        }
      }
    }).thenNoReply();
  }

  /** The wait before the next attempt has passed. */
  ReplyEffect<CallEvent, CallState> retryDue(Parked state) {
    if (state.push().pending()) {
      a.push(state.info(), state.deadline(), state.push().attempts() + 1);
    }
    return a.none();
  }

  /**
   * An attempt under way when the callee logged in ended: its outcome is written; no further
   * attempt follows, the callee's app rings already.
   */
  ReplyEffect<CallEvent, CallState> finishedAfterRelease(Alerting state, PushAttemptFinished r) {
    if (!state.released()) {
      return a.none();
    }
    Instant now = a.now();
    List<CallEvent> events = new ArrayList<>();
    events.add(new PushAttempted(r.attempt(), r.status(), r.error(), r.latencyMillis(), null,
        now));
    if (r.outcome() == PushOutcome.DELIVERED) {
      events.add(new PushDelivered(r.attempt(), now));
    }
    String outcome = r.outcome() == PushOutcome.DELIVERED ? "delivered" : "failed";
    return a.effects().persist(events)
        .thenRun(s -> a.pushCounted(outcome, r.latencyMillis()))
        .thenNoReply();
  }

  private static boolean permanent(int status) {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }

  private static String result(PushAttemptFinished r) {
    return r.status() > 0 ? "HTTP " + r.status() : String.valueOf(r.error());
  }
}
