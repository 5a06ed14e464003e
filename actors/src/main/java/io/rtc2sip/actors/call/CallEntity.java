package io.rtc2sip.actors.call;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand.ClientCommand;
import io.rtc2sip.actors.call.CallCommand.Conference;
import io.rtc2sip.actors.call.CallCommand.GetCall;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.WriteEnd;
import io.rtc2sip.actors.call.CallState.Ended;
import io.rtc2sip.actors.call.CallState.Idle;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import io.rtc2sip.actors.Supervised;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import io.rtc2sip.actors.Mdc;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One call: a sharded, event-sourced state machine. Every command runs the handler of its row in
 * {@link CallTransitions} for the call's state ({@link CallHandlers}: placing, before answer,
 * answered, transfers), which decides the events and the effects on the ports. It never holds
 * anything that is lost with its node: the ports are the node-local adapters of whatever node
 * runs it, and after recovery it re-arms its timer and re-anchors its media.
 */
public final class CallEntity
    extends EventSourcedBehaviorWithEnforcedReplies<CallCommand, CallEvent, CallState> {

  /** The sharding type key; its name is part of every call's persistence id: never rename. */
  public static final EntityTypeKey<CallCommand> TYPE_KEY =
      EntityTypeKey.create(CallCommand.class, "call");

  /** Every call event carries this tag (the call-history projection reads it). */
  public static final String TAG = "call";

  /**
   * Prefix of the second tag of every call event: {@code node:<cluster address>} of the node
   * that wrote it, so call history and replay can tell where each step of a call ran.
   */
  public static final String NODE_TAG_PREFIX = "node:";

  /**
   * What a call needs from its node.
   *
   * @param node the cluster address of this node (as {@code Address.toString()})
   * @param random numbers in [0, 1) (the glare retry's wait is drawn from them)
   */
  public record Dependencies(
      CallSettings settings,
      CallPorts ports,
      EntityMessenger<UserCommand> users,
      Clock clock,
      String node,
      DialPlans dialPlans,
      DoubleSupplier random) {

    /** Dependencies with this dial plan and {@link Math#random()}. */
    public Dependencies(CallSettings settings, CallPorts ports, EntityMessenger<UserCommand> users,
        Clock clock, String node, DialPlans dialPlans) {
      this(settings, ports, users, clock, node, dialPlans, Math::random);
    }

    /** Dependencies with a dial plan that allows every destination. */
    public Dependencies(CallSettings settings, CallPorts ports, EntityMessenger<UserCommand> users,
        Clock clock, String node) {
      this(settings, ports, users, clock, node, DialPlans.open(settings.sipDomain()));
    }
  }

  private final String nodeTag;

  private final CallActions actions;
  private final CallHandlers handlers;
  private final Supervised.Restarts restarts;

  private CallEntity(
      String callId,
      Dependencies deps,
      ActorContext<CallCommand> ctx,
      TimerScheduler<CallCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Supervised.Restarts restarts) {
    super(
        PersistenceId.of(TYPE_KEY.name(), callId),
        Supervised.onJournalFailure());
    this.restarts = restarts;
    this.nodeTag = NODE_TAG_PREFIX + deps.node();
    this.actions = new CallActions(callId, deps, ctx, timers, shard, Effect());
    this.handlers = CallHandlers.of(actions);
  }

  /**
   * Registers calls with Cluster Sharding on this node, with this node's ports; {@code users}
   * reaches the user sessions (the composition root hands it over, so that calls and user
   * sessions do not know each other's type keys).
   */
  public static ActorRef<?> init(ActorSystem<?> system, CallPorts ports,
      EntityMessenger<UserCommand> users, Clock clock) {
    CallSettings settings = CallSettings.of(system);
    Dependencies deps =
        new Dependencies(
            settings,
            ports,
            users,
            clock,
            Cluster.get(system).selfMember().address().toString(),
            DialPlans.fromConfig(system.settings().config(), settings.sipDomain()));
    NodeMetrics metrics = NodeMetrics.get(system);
    return ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, ec -> {
          Supervised.Restarts restarts =
              Supervised.restarts(TYPE_KEY.name(), ec.getEntityId(), metrics,
                  JournalAvailability.get(system));
          return Supervised.restartWithBackoff(restarts,
              create(ec.getEntityId(), deps, ec.getShard(), restarts));
        }));
  }

  /** The behavior of call {@code callId}; {@code shard} receives its passivation request. */
  public static Behavior<CallCommand> create(
      String callId, Dependencies deps, ActorRef<ClusterSharding.ShardCommand> shard) {
    return create(callId, deps, shard, null);
  }

  /** As above, with the restart accounting the entity shares with its outer supervisor. */
  static Behavior<CallCommand> create(String callId, Dependencies deps,
      ActorRef<ClusterSharding.ShardCommand> shard, Supervised.Restarts restarts) {
    // Object.class: the MDC must also cover the entity's internal persistence messages, in
    // which the effects after a persist run
    return Mdc.everyMessage(
        Map.of("callId", callId),
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> new CallEntity(callId, deps, ctx, timers, shard,
                        restarts != null ? restarts : Supervised.restarts(TYPE_KEY.name(),
                            callId, NodeMetrics.get(ctx.getSystem()))))));
  }

  @Override
  public CallState emptyState() {
    return Idle.INSTANCE;
  }

  @Override
  public CommandHandlerWithReply<CallCommand, CallEvent, CallState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetCall.class, this::view)
        .onAnyCommand(this::onCommand);
  }

  @Override
  public EventHandler<CallState, CallEvent> eventHandler() {
    return CallEventHandler.HANDLER;
  }

  @Override
  public Set<String> tagsFor(CallEvent event) {
    return Set.of(TAG, nodeTag);
  }

  @Override
  public SignalHandler<CallState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state ->
            actions.recovered(state, restarts.recovered()))
        .onSignal(PostStop.instance(), state -> actions.stopped())
        .onSignal(PreRestart.instance(), state -> {
          if (restarts.preRestart()) {
            actions.journalFailed();
          }
        })
        .build();
  }

  /** Answered in every state; an idle entity that waits for nothing passivates. */
  private ReplyEffect<CallEvent, CallState> view(CallState state, GetCall get) {
    if (state == Idle.INSTANCE && !handlers.placement().waiting()) {
      actions.passivate();
    }
    return Effect().reply(get.replyTo(), CallView.of(actions.callId(), state,
        actions.rtcAddress(), actions.sipAddress()));
  }

  /**
   * Every other command: after the checks every state shares (a client command must come from
   * the call's RTC user; a call ended on the wire takes nothing but its {@code WriteEnd}), the
   * row of {@link CallTransitions} for the state and the command runs its handler.
   */
  private ReplyEffect<CallEvent, CallState> onCommand(CallState state, CallCommand command) {
    if (command instanceof ClientCommand client && state instanceof Started started) {
      String uid = started.info().uid();
      if (!uid.equals(client.uid())) {
        return actions.reject(client, "uid " + client.uid() + " is not a party of this call");
      }
    }
    if (actions.endedOnWire() && !(command instanceof WriteEnd)) {
      // over on the wire, its end not yet written: nothing else may happen to it
      return command instanceof ClientCommand client
          ? actions.reject(client, "the call has ended") : actions.none();
    }
    CallTransitions.Row row = CallTransitions.rowFor(state.getClass(), command.getClass());
    return row == null ? refuse(state, command) : row.handle(handlers, state, command);
  }

  private ReplyEffect<CallEvent, CallState> refuse(CallState state, CallCommand command) {
    if (state == Idle.INSTANCE && !handlers.placement().waiting()) {
      // a stray message for a call that never started: do not stay remembered by the shard
      actions.passivate();
    }
    if (command instanceof ClientCommand client) {
      return actions.reject(client, refusal(state, command));
    }
    actions.log()
        .info(
            "{} ignored in state {}: no transition",
            command.getClass().getSimpleName(),
            state.stateName());
    return actions.none();
  }

  private String refusal(CallState state, CallCommand command) {
    if (command instanceof Conference && !actions.settings().conference()) {
      return "conference calls are not supported";
    }
    if (state == Idle.INSTANCE) {
      return "no such call";
    }
    if (state instanceof Ended ended) {
      return "the call has ended (" + ended.cause().description() + ")";
    }
    if (command instanceof PlaceCall) {
      return "the call id is already in use";
    }
    return command.getClass().getSimpleName()
        + " is not possible while the call is "
        + state.stateName();
  }
}
