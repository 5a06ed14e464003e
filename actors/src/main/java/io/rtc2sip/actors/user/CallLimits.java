package io.rtc2sip.actors.user;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.user.UserCommand.AdmitCall;
import io.rtc2sip.actors.user.UserCommand.AdmitParty;
import io.rtc2sip.actors.user.UserCommand.CallChecked;
import io.rtc2sip.actors.user.UserEvent.CallAdmitted;
import io.rtc2sip.actors.user.UserEvent.CallLeft;
import io.rtc2sip.actors.user.UserEvent.PartyAdmitted;
import io.rtc2sip.actors.user.UserState.Placed;
import io.rtc2sip.actors.user.UserState.PlacedCalls;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * The concurrent-call and per-minute limits of one user's dial plan. The user session is the one
 * place in the cluster that counts a user's calls: a call it admits ({@link CallAdmitted}) counts
 * until the call tells it that it ended ({@link CallLeft}), from whatever state and for whatever
 * reason, on whatever node. A notice can still be lost (a node dies between the call's last
 * event and its message), so a count is never trusted blindly: when the limit refuses a call,
 * every counted call admitted more than {@link #GRACE} ago is asked for its state, and those
 * found Idle (never started) or Ended stop counting. A user is therefore refused at most once
 * for a lost notice, never locked out.
 */
final class CallLimits {

  /**
   * How long a freshly admitted call counts without being asked: its entity may still be
   * persisting its first event (a placement waits at most 5 s for the admission).
   */
  static final Duration GRACE = Duration.ofSeconds(30);

  private final String uid;
  private final UserSession.Dependencies deps;
  private final ActorContext<UserCommand> ctx;
  private final EffectFactories<UserEvent, UserState> effects;
  private final ActorRef<CallView> checks;

  CallLimits(String uid, UserSession.Dependencies deps, ActorContext<UserCommand> ctx,
      EffectFactories<UserEvent, UserState> effects) {
    this.uid = uid;
    this.deps = deps;
    this.ctx = ctx;
    this.effects = effects;
    this.checks = ctx.messageAdapter(CallView.class,
        view -> new CallChecked(view.callId(), view.state()));
  }

  EffectBuilder<UserEvent, UserState> admit(UserState state, AdmitCall admit) {
    PlacedCalls placed = state.placedCalls();
    ActorRef<CallCommand.PlacementDecision> call = admit.replyTo();
    if (placed.counts(admit.callId())) {
      call.tell(new CallCommand.PlacementAllowed(uid));
      return effects.none();
    }
    DialPlan plan = deps.dialPlans().forUser(uid);
    Instant now = deps.clock().instant();
    if (!plan.concurrentAllowed(placed.live().size())) {
      int asked = checkStale(placed, now);
      refuse(admit.callId(), call, DialPlan.TOO_MANY_CALLS, uid + " has " + placed.live().size()
          + " calls going on, at most " + plan.maxConcurrentCalls() + " are allowed"
          + (asked > 0 ? " (" + asked + " of them are being checked: try again)" : ""));
      return effects.none();
    }
    int started = placed.startedInWindowBefore(now);
    if (!plan.rateAllowed(started)) {
      refuse(admit.callId(), call, DialPlan.CALL_RATE_EXCEEDED, uid + " started " + started
          + " calls in the last minute, at most " + plan.callsPerMinute() + " are allowed");
      return effects.none();
    }
    return effects.persist(new CallAdmitted(admit.callId(), now))
        .thenRun(next -> call.tell(new CallCommand.PlacementAllowed(uid)));
  }

  /**
   * A party the user adds to a conference: one more leg through the trunk, so it counts in the
   * per-minute window (refused {@code call-rate-exceeded} beyond it). The concurrent limit is
   * not asked: it counts calls, and the dial plan's {@code conference-parties} bounds each
   * call's parties.
   */
  EffectBuilder<UserEvent, UserState> admitParty(UserState state, AdmitParty admit) {
    ActorRef<CallCommand.PartyAdmission> call = admit.replyTo();
    DialPlan plan = deps.dialPlans().forUser(uid);
    Instant now = deps.clock().instant();
    int started = state.placedCalls().startedInWindowBefore(now);
    if (!plan.rateAllowed(started)) {
      String reason = uid + " started " + started + " calls and parties in the last minute, at"
          + " most " + plan.callsPerMinute() + " are allowed";
      ctx.getLog().info("party {} of call {} refused: {}", admit.party(), admit.callId(), reason);
      call.tell(new CallCommand.PartyRefused(admit.party(), admit.request(),
          DialPlan.CALL_RATE_EXCEEDED, reason));
      return effects.none();
    }
    return effects.persist(new PartyAdmitted(admit.callId(), admit.party(), now))
        .thenRun(next -> call.tell(new CallCommand.PartyAllowed(admit.party(),
            admit.request())));
  }

  EffectBuilder<UserEvent, UserState> checked(UserState state, CallChecked checked) {
    boolean gone = "Idle".equals(checked.state()) || "Ended".equals(checked.state());
    if (!gone || !state.placedCalls().counts(checked.callId())) {
      return effects.none();
    }
    ctx.getLog().info("call {} is {} but was still counted (its end notice was lost)",
        checked.callId(), checked.state());
    return effects.persist(new CallLeft(checked.callId(), deps.clock().instant()));
  }

  private void refuse(String callId, ActorRef<CallCommand.PlacementDecision> call, String code,
      String reason) {
    ctx.getLog().info("call {} refused: {}", callId, reason);
    call.tell(new CallCommand.PlacementRefused(uid, code, reason));
  }

  /** Asks the counted calls admitted before the grace period for their state; how many. */
  private int checkStale(PlacedCalls placed, Instant now) {
    int asked = 0;
    for (Placed p : placed.live()) {
      if (p.at().isBefore(now.minus(GRACE))) {
        deps.calls().tell(p.callId(), new CallCommand.GetCall(checks));
        asked++;
      }
    }
    return asked;
  }
}
