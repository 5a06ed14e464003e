package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.ClientCommand;
import io.rtc2sip.actors.call.CallEntity.Dependencies;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallState.Active;
import io.rtc2sip.actors.call.CallState.Dialing;
import io.rtc2sip.actors.call.CallState.Ended;
import io.rtc2sip.actors.call.CallState.Held;
import io.rtc2sip.actors.call.CallState.Parked;
import io.rtc2sip.actors.call.CallState.Referred;
import io.rtc2sip.actors.call.CallState.Ringing;
import io.rtc2sip.actors.call.CallState.Routing;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.call.CallState.Timed;
import io.rtc2sip.actors.call.CallState.Transferring;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.PushCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.metrics.NodeMetrics;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.slf4j.Logger;

/**
 * What a call's handlers do besides deciding events: replies, messages to the ports and the user
 * session, its timer, passivation, and what happens after recovery. One instance per running
 * entity; nothing here is persisted.
 */
final class CallActions {

  private static final String DEADLINE_TIMER = "deadline";
  private static final String RETRY_TIMER = "reinvite-retry";
  private static final String REFRESH_TIMER = "session-refresh";
  private static final String PLACEMENT_TIMER = "placement";
  private static final String BROWSER_REOFFER_TIMER = "browser-reoffer";
  private static final String PUSH_TIMER = "push-retry";
  static final int DTMF_DURATION_MS = 100;

  private final String callId;
  private final Dependencies deps;
  private final ActorContext<CallCommand> ctx;
  private final TimerScheduler<CallCommand> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final EffectFactories<CallEvent, CallState> effects;
  private final NodeMetrics metrics;
  private final UnwrittenEnds unwritten;
  private final JournalAvailability journal;
  /** The end being written, until it is. */
  private EndOnWire endOnWire;
  /**
   * A client's request waiting in memory for the user session's decision (a conference party's
   * admission): answered Rejected when the call ends first (the decision would find the entity
   * passivated).
   */
  private ClientCommand waitingForSession;
  /** The number of the request waiting, and of the last one (numbers the user session echoes). */
  private long waitingRequest;
  private long lastRequest;

  CallActions(
      String callId,
      Dependencies deps,
      ActorContext<CallCommand> ctx,
      TimerScheduler<CallCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      EffectFactories<CallEvent, CallState> effects) {
    this.callId = callId;
    this.deps = deps;
    this.ctx = ctx;
    this.timers = timers;
    this.shard = shard;
    this.effects = effects;
    this.metrics = NodeMetrics.get(ctx.getSystem());
    this.unwritten = UnwrittenEnds.get(ctx.getSystem());
    this.journal = JournalAvailability.get(ctx.getSystem());
  }

  /**
   * Counts a persisted call event in the node's metrics: a new call ({@code answered} null) or
   * its answer, and the journal's write time since {@code persistingNanos}.
   */
  void counted(CallDirection direction, Class<CallEvent.CallAnswered> answered,
      long persistingNanos) {
    metrics.journalWrite(System.nanoTime() - persistingNanos);
    if (answered == null) {
      metrics.callLive(callId, direction.name(), true);
    } else {
      metrics.callAnswered(direction.name());
    }
  }

  /** Counts a push attempt by its {@code outcome} (delivered, retry, failed) and latency. */
  void pushCounted(String outcome, long latencyMillis) {
    metrics.push().attempt(outcome, latencyMillis);
  }

  /** Counts what became of a parked call: answered, timed-out, cancelled. */
  void parkedCounted(String outcome) {
    metrics.push().parkedCall(outcome);
  }

  /** Counts a refusal by the dial plan ({@code code}: its signaling error code). */
  void counted(String refusalCode) {
    metrics.callRefused(refusalCode);
  }

  /** The entity stopped on this node (passivated, moved or node leaving). */
  void stopped() {
    metrics.callStopped(callId);
  }

  String callId() {
    return callId;
  }

  Logger log() {
    return ctx.getLog();
  }

  EffectFactories<CallEvent, CallState> effects() {
    return effects;
  }

  CallSettings settings() {
    return deps.settings();
  }

  Instant now() {
    return deps.clock().instant();
  }

  ActorRef<CallCommand> self() {
    return ctx.getSelf();
  }

  // ------------------------------------------------------------------ replies

  ReplyEffect<CallEvent, CallState> reject(ClientCommand command, String reason) {
    return reject(command, CallReply.Rejected.REJECTED, reason);
  }

  /** Rejects with a signaling error {@code code} (a dial plan's refusal, for example). */
  ReplyEffect<CallEvent, CallState> reject(ClientCommand command, String code, String reason) {
    log().info("{} rejected: {}", command.getClass().getSimpleName(), reason);
    if (!CallReply.Rejected.REJECTED.equals(code)) {
      counted(code);
    }
    return effects.reply(command.replyTo(), new CallReply.Rejected(callId, code, reason));
  }

  /** Whether the dial plan of {@code uid} limits its calls (so its session must admit them). */
  boolean limited(String uid) {
    DialPlan plan = deps.dialPlans().forUser(uid);
    return plan.maxConcurrentCalls() > 0 || plan.callsPerMinute() > 0;
  }

  /**
   * Why the dial plan of {@code uid} does not allow {@code target} (a call, a transfer, a REFER's
   * target), or null when it does.
   */
  String destinationRefusal(String uid, String target) {
    DialPlans plans = deps.dialPlans();
    if (plans.allows(uid, target)) {
      return null;
    }
    return "the dial plan of " + uid + " does not allow " + plans.normalise(target);
  }

  /** The dial plan of {@code uid}. */
  io.rtc2sip.actors.dialplan.DialPlan dialPlanOf(String uid) {
    return deps.dialPlans().forUser(uid);
  }

  /** A fact that changes nothing; or a client command another actor answers (the media). */
  ReplyEffect<CallEvent, CallState> none() {
    return effects.none().thenNoReply();
  }

  ReplyEffect<CallEvent, CallState> accept(ClientCommand command) {
    return effects.reply(command.replyTo(), acceptance());
  }

  private void accepted(ClientCommand command) {
    command.replyTo().tell(acceptance());
  }

  /** The reply to a client command the call carried out. */
  CallReply.Accepted acceptance() {
    return new CallReply.Accepted(callId, null, rtcAddress());
  }

  /** Where clients join this node's RTC network (null when it is not node-local). */
  String rtcAddress() {
    return deps.ports().rtcAddress();
  }

  /** This node's SIP listener ({@code host:port}), null when unknown. */
  String sipAddress() {
    return deps.ports().sipAddress();
  }

  // ------------------------------------------------------------------ ports

  void sip(SipLegCommand command) {
    deps.ports().sip().tell(command);
  }

  void media(MediaCommand command) {
    deps.ports().media().tell(command);
  }

  void client(ClientNotification notification) {
    deps.ports().clients().tell(notification);
  }

  void user(String uid, UserCommand command) {
    deps.users().tell(uid, command);
  }

  /** Whether this node has a push service for parked calls. */
  boolean pushes() {
    return deps.ports().push() != null;
  }

  /** Asks the node's push service for attempt {@code attempt} of the parked call's push. */
  void push(CallInfo info, java.time.Instant deadline, int attempt) {
    if (!pushes()) {
      log().warn("push attempt {} not made: this node has no push service", attempt);
      return;
    }
    log().info("push attempt {} for {}", attempt, info.uid());
    deps.ports().push().tell(new PushCommand.Notify(callId, info.caller().address(), info.uid(),
        deadline, attempt, ctx.getSelf()));
  }

  // ------------------------------------------------------------------ timers and lifecycle

  /**
   * Starts the timer of {@code state} from its deadline, or cancels it in untimed states; in an
   * established dialog where we refresh the session (RFC 4028), restarts the refresh timer: every
   * state change there came with a re-INVITE, which refreshed the session.
   */
  void armTimer(CallState state) {
    timers.cancel(DEADLINE_TIMER);
    if (state instanceof Timed timed) {
      Duration left = Duration.between(now(), timed.deadline());
      timers.startSingleTimer(
          DEADLINE_TIMER, timed.timeoutMessage(), left.isNegative() ? Duration.ZERO : left);
    }
    int interval = state instanceof Started s ? s.info().dialog().sessionRefreshSeconds() : 0;
    if (interval > 0 && (state instanceof Active || state instanceof Held
        || state instanceof Transferring)) {
      timers.startSingleTimer(REFRESH_TIMER, CallCommand.SessionRefreshDue.INSTANCE,
          Duration.ofMillis(Math.max(1000, interval * 500L)));
    } else {
      timers.cancel(REFRESH_TIMER);
    }
  }

  /**
   * {@code command} waits for the user session's decision (one at a time); the number of the
   * request, which the decision repeats.
   */
  long waitForSession(ClientCommand command) {
    waitingForSession = command;
    waitingRequest = ++lastRequest;
    return waitingRequest;
  }

  /**
   * The request waiting for the user session, which waits no longer; null when none waits or the
   * decision is for another request ({@code request}: a late answer to one that timed out).
   */
  ClientCommand takeWaitingForSession(long request) {
    if (waitingForSession == null || request != waitingRequest) {
      return null;
    }
    return takeWaitingForSession();
  }

  /** The request waiting for the user session, whatever it is; null when none. */
  ClientCommand takeWaitingForSession() {
    ClientCommand c = waitingForSession;
    waitingForSession = null;
    return c;
  }

  /** Whether a request waits for the user session. */
  boolean waitsForSession() {
    return waitingForSession != null;
  }

  /**
   * Delivers {@code timeout} after {@code after} unless the user session answered before (its
   * admission of a placed call, or of a conference party).
   */
  void armPlacementTimer(CallCommand timeout, Duration after) {
    timers.startSingleTimer(PLACEMENT_TIMER, timeout, after);
  }

  void cancelPlacementTimer() {
    timers.cancel(PLACEMENT_TIMER);
  }

  /** The next push attempt is due after {@code wait}. */
  void armPushRetry(Duration wait) {
    timers.startSingleTimer(PUSH_TIMER, CallCommand.PushRetryDue.INSTANCE,
        wait.isNegative() ? Duration.ZERO : wait);
  }

  void cancelPushRetry() {
    timers.cancel(PUSH_TIMER);
  }

  /** Retries the re-INVITE that met glare after {@code retry}'s wait (a random draw). */
  void armReinviteRetry(GlareRetry retry) {
    timers.startSingleTimer(RETRY_TIMER, CallCommand.ReinviteRetry.INSTANCE,
        retry.delay(deps.random().getAsDouble()));
  }

  void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
  }

  /**
   * Ends the call as {@code end} says: persists {@link CallEnded}, then sends its SIP (BYE,
   * reject...), stops media, tells the client (unless it never heard of the call) and the user
   * session, answers the client's request, and passivates.
   *
   * <p>A call cannot wait for the journal to hang up. While the journal is known to be
   * unavailable, the end is carried out on the wire at once and kept in {@link UnwrittenEnds};
   * the write is still tried (its failure restarts the entity, which writes the end once it
   * recovers: {@link #recovered}). If the write fails unannounced, {@link #journalFailed} carries
   * the end out then. A client's hangup is answered {@code journal-unavailable} in both cases:
   * the call is over, its end is not yet in the journal.
   */
  ReplyEffect<CallEvent, CallState> end(Started state, EndCall end) {
    CallInfo info = state.info();
    EndCause cause = end.cause();
    int sipStatus = end.sipStatus();
    ClientCommand replyTo = end.replyTo();
    CallEnded event = new CallEnded(cause, sipStatus, cause.description(), now());
    long persisting = System.nanoTime();
    endOnWire = new EndOnWire(event, replyTo, () -> {
      metrics.callEnded(callId, info.direction().name(), cause.name());
      end.sends().run();
      media(new MediaCommand.Stop(callId));
      if (end.tellClient()) {
        client(new ClientNotification.Ended(info.uid(), callId, cause, sipStatus));
      }
      user(info.uid(), new UserCommand.CallEnded(callId));
      timers.cancelAll();
      ClientCommand waiting = takeWaitingForSession();
      if (waiting != null) {
        log().info("{} refused: the call ended while it waited for the user session",
            waiting.getClass().getSimpleName());
        waiting.replyTo().tell(new CallReply.Rejected(callId, CallReply.Rejected.REJECTED,
            "the call ended"));
      }
    });
    if (!journal.available()) {
      log().warn("call ends on the wire now ({}, SIP {}) while the journal is unavailable: its"
          + " end is written when the database answers again", cause, sipStatus);
      endOnWire();
    }
    return effects
        .persist(event)
        .thenRun(
            next -> {
              metrics.journalWrite(System.nanoTime() - persisting);
              log().info("call ended: {} (SIP {}) in state {}", cause, sipStatus,
                  state.stateName());
              EndOnWire ending = endOnWire;
              endOnWire = null;
              unwritten.written(callId);
              if (!ending.done) {
                if (replyTo != null) {
                  accepted(replyTo);
                }
                ending.wire.run();
              }
              passivate();
            })
        // the client's request is answered above: Accepted once written, unless the end went
        // out on the wire before (then endOnWire answered it journal-unavailable)
        .thenNoReply();
  }

  /**
   * The journal failed this entity (it restarts with backoff): an end whose write failed is
   * carried out on the wire now and written when the call recovers.
   */
  void journalFailed() {
    if (endOnWire != null && !endOnWire.done) {
      log().warn("the journal failed to write the call's end: the call ends on the wire now;"
          + " its end is written when the database answers again");
      endOnWire();
    }
  }

  /** Whether this call ended on the wire and waits only for its end to be written. */
  boolean endedOnWire() {
    return unwritten.get(callId) != null;
  }

  /** Writes the end carried out while the journal was unavailable, and passivates. */
  ReplyEffect<CallEvent, CallState> writeEnd(Started state, CallEnded end) {
    long persisting = System.nanoTime();
    return effects.persist(end).thenRun(next -> {
      metrics.journalWrite(System.nanoTime() - persisting);
      unwritten.written(callId);
      log().info("the end carried out while the journal was unavailable is written: {} (SIP {})"
          + " in state {}", end.cause(), end.sipStatus(), state.stateName());
      timers.cancelAll();
      passivate();
    }).thenNoReply();
  }

  private void endOnWire() {
    EndOnWire end = endOnWire;
    end.done = true;
    unwritten.put(callId, end.event);
    if (end.replyTo != null) {
      end.replyTo.replyTo().tell(new CallReply.Rejected(callId, JournalAvailability.REFUSAL,
          "the call has ended (BYE sent, media stopped); its end is written to the journal"
              + " when the database answers again"));
    }
    end.wire.run();
  }

  /** An end being written, and whether it was carried out on the wire already. */
  private static final class EndOnWire {
    final CallEnded event;
    final ClientCommand replyTo;
    final Runnable wire;
    boolean done;

    EndOnWire(CallEnded event, ClientCommand replyTo, Runnable wire) {
      this.event = event;
      this.replyTo = replyTo;
      this.wire = wire;
    }
  }

  /**
   * After recovery (also the first start): re-arm, re-ask, re-anchor or passivate; or write the
   * end carried out while the journal was unavailable. After a journal failure on this node
   * ({@code afterJournalFailure}) the call's media and SIP dialog are still here, as its
   * journal says (nothing is done outside before its event is written): no re-anchoring.
   */
  void recovered(CallState state, boolean afterJournalFailure) {
    if (!(state instanceof Started started)) {
      return;
    }
    log().info("recovered in state {}", state.stateName());
    CallEnded unwrittenEnd = unwritten.get(callId);
    if (unwrittenEnd != null) {
      if (state instanceof Ended) {
        unwritten.written(callId); // its write went through after all
        passivate();
      } else {
        ctx.getSelf().tell(new CallCommand.WriteEnd(unwrittenEnd));
      }
      return;
    }
    if (afterJournalFailure && !(state instanceof Ended) && !(state instanceof Routing)) {
      metrics.callLive(callId, started.info().direction().name(), false);
      armTimer(state);
      log().info("restarted after a journal failure: media and dialog stay as they are");
      resumePush(state);
      return;
    }
    if (!(state instanceof Ended)) {
      metrics.callLive(callId, started.info().direction().name(), false);
    }
    armTimer(state);
    if (state instanceof Ended) {
      passivate();
    } else if (state instanceof Routing) {
      askRoute(started.info());
    } else if (state instanceof Parked) {
      resumePush(state);
    } else if (started.info().rtc().browser()
        && (state instanceof Dialing || state instanceof Ringing)) {
      // the browser's leg (ICE, DTLS, SRTP) was on the node that ran the call before, and a
      // call not yet answered has no dialog to re-anchor: cancel rather than ring into nothing
      log().warn("recovered a browser's unanswered call: its WebRTC leg is gone; ending it");
      ctx.getSelf().tell(new CallCommand.RtcMediaFailed(
          "the call was recovered away from the browser's WebRTC leg"));
    } else if (state instanceof Active
        || state instanceof Held
        || state instanceof Transferring
        || state instanceof Referred
        || state instanceof CallState.Conferencing) {
      ctx.getSelf().tell(CallCommand.Reanchor.INSTANCE);
      RtcLeg rtc = started.info().rtc();
      if (rtc.browser()) {
        // the WebRTC leg died with the old node: the browser renegotiates (reoffer) in time,
        // or the call ends as a lost leg
        Duration wait = settings().browserReofferTimeout();
        log().info("recovered a browser's call: waiting {} for its new offer", wait);
        timers.startSingleTimer(BROWSER_REOFFER_TIMER, new CallCommand.RtcMediaFailed(
            "the call was recovered away from the browser's WebRTC leg and the browser sent no"
                + " new offer within " + wait.toSeconds() + " s"), wait);
      }
      client(new ClientNotification.RtcMoved(rtc.uid(), callId,
          rtc.browser() ? null : rtcAddress(), rtc.browser()));
    }
  }

  /**
   * A recovered parked call goes on with its push: a delivered or abandoned push is not
   * repeated, a wait for the next attempt is re-armed from its persisted instant, and an attempt
   * whose outcome was not written (under way when the entity stopped) is made again.
   */
  private void resumePush(CallState state) {
    if (!(state instanceof Parked parked) || !parked.push().pending()) {
      return;
    }
    PushProgress push = parked.push();
    if (push.retryAt() != null) {
      armPushRetry(Duration.between(now(), push.retryAt()));
    } else {
      push(parked.info(), parked.deadline(), push.attempts() + 1);
    }
  }

  /** A browser's new offer arrived: the call no longer waits for it. */
  void reofferArrived() {
    timers.cancel(BROWSER_REOFFER_TIMER);
  }

  void askRoute(CallInfo info) {
    user(
        info.uid(),
        new UserCommand.RouteInboundCall(callId, info.caller(), ctx.getSelf().narrow()));
  }

  /** The direction we offer and bridge with, given who holds. */
  static SdpDirection direction(CallState state) {
    return state instanceof Started s ? s.hold().direction() : SdpDirection.SENDRECV;
  }


}
