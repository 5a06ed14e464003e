package io.rtc2sip.actors.user;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.actors.dialplan.DialPlans;
import io.rtc2sip.actors.user.UserCommand.AdmitCall;
import io.rtc2sip.actors.user.UserCommand.AdmitParty;
import io.rtc2sip.actors.user.UserCommand.CallChecked;
import io.rtc2sip.actors.user.UserCommand.CallEnded;
import io.rtc2sip.actors.user.UserCommand.CallStarted;
import io.rtc2sip.actors.user.UserCommand.ConnectionLost;
import io.rtc2sip.actors.user.UserCommand.GetPresence;
import io.rtc2sip.actors.user.UserCommand.Login;
import io.rtc2sip.actors.user.UserCommand.Logout;
import io.rtc2sip.actors.user.UserCommand.Register;
import io.rtc2sip.actors.user.UserCommand.RouteInboundCall;
import io.rtc2sip.actors.user.UserEvent.CallJoined;
import io.rtc2sip.actors.user.UserEvent.CallLeft;
import io.rtc2sip.actors.user.UserEvent.CallParked;
import io.rtc2sip.actors.user.UserEvent.LoggedIn;
import io.rtc2sip.actors.user.UserEvent.LoggedOut;
import io.rtc2sip.actors.user.UserEvent.SipRegistrationChanged;
import io.rtc2sip.actors.user.UserState.Offline;
import io.rtc2sip.actors.user.UserState.Online;
import io.rtc2sip.actors.user.UserState.Unknown;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import io.rtc2sip.actors.Supervised;
import io.rtc2sip.actors.journal.JournalAvailability;
import org.apache.pekko.actor.typed.PreRestart;
import io.rtc2sip.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import io.rtc2sip.actors.Mdc;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One RTC user (entity id = uid): whether and where it is logged in, its calls, the inbound calls
 * parked while it is offline (released to alerting when it logs in), and its wish to be a
 * registered SIP extension (kept while online through the SIP adapter's registration port).
 */
public final class UserSession extends EventSourcedBehavior<UserCommand, UserEvent, UserState> {

  /** The sharding type key; part of every user's persistence id: never rename. */
  public static final EntityTypeKey<UserCommand> TYPE_KEY =
      EntityTypeKey.create(UserCommand.class, "user");

  public static final String TAG = "user";

  /**
   * What a user session needs from its node.
   *
   * @param nodeIsMember whether a node address (as in {@link Login#node()}) is a cluster member:
   *     a session recovered for a connection on a node that is gone logs the user out
   * @param parkableUnknown whether an inbound call for a uid never seen here is parked for it
   *     (and its app pushed) rather than refused with 404 ({@code rtc2sip.push.any-uid-pattern})
   */
  public record Dependencies(
      ActorRef<ClientNotification> clients,
      ActorRef<SipRegistrationCommand> registrations,
      EntityMessenger<CallCommand> calls,
      Predicate<String> nodeIsMember,
      Clock clock,
      DialPlans dialPlans,
      Predicate<String> parkableUnknown) {

    /** Dependencies under which calls for a uid never seen are refused. */
    public Dependencies(ActorRef<ClientNotification> clients,
        ActorRef<SipRegistrationCommand> registrations, EntityMessenger<CallCommand> calls,
        Predicate<String> nodeIsMember, Clock clock, DialPlans dialPlans) {
      this(clients, registrations, calls, nodeIsMember, clock, dialPlans, uid -> false);
    }

    /** Dependencies without limits on the calls users place. */
    public Dependencies(ActorRef<ClientNotification> clients,
        ActorRef<SipRegistrationCommand> registrations, EntityMessenger<CallCommand> calls,
        Predicate<String> nodeIsMember, Clock clock) {
      this(clients, registrations, calls, nodeIsMember, clock, DialPlans.open("localhost"));
    }
  }

  private final String uid;
  private final Dependencies deps;
  private final ActorContext<UserCommand> ctx;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Supervised.Restarts restarts;
  private final CallLimits limits;

  private UserSession(
      String uid,
      Dependencies deps,
      ActorContext<UserCommand> ctx,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Supervised.Restarts restarts) {
    super(
        PersistenceId.of(TYPE_KEY.name(), uid),
        Supervised.onJournalFailure());
    this.restarts = restarts;
    this.uid = uid;
    this.deps = deps;
    this.ctx = ctx;
    this.shard = shard;
    this.limits = new CallLimits(uid, deps, ctx, Effect());
  }

  /**
   * Registers user sessions with Cluster Sharding on this node; {@code calls} reaches the call
   * entities (handed over by the composition root, so that the two do not know each other).
   */
  public static ActorRef<?> init(
      ActorSystem<?> system,
      ActorRef<ClientNotification> clients,
      ActorRef<SipRegistrationCommand> registrations,
      EntityMessenger<CallCommand> calls,
      Clock clock) {
    return init(system, clients, registrations, calls, clock, uid -> false);
  }

  /**
   * As above; an inbound call for a uid never seen that {@code parkableUnknown} accepts is
   * parked for it as for a known user who is offline.
   */
  public static ActorRef<?> init(
      ActorSystem<?> system,
      ActorRef<ClientNotification> clients,
      ActorRef<SipRegistrationCommand> registrations,
      EntityMessenger<CallCommand> calls,
      Clock clock,
      Predicate<String> parkableUnknown) {
    Cluster cluster = Cluster.get(system);
    Predicate<String> isMember =
        node -> {
          for (var m : cluster.state().getMembers()) {
            if (m.address().toString().equals(node)) {
              return true;
            }
          }
          return false;
        };
    Dependencies deps =
        new Dependencies(
            clients,
            registrations,
            calls,
            isMember,
            clock,
            DialPlans.fromConfig(system.settings().config(),
                system.settings().config().getString("rtc2sip.call.sip-domain")),
            parkableUnknown);
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

  public static Behavior<UserCommand> create(
      String uid, Dependencies deps, ActorRef<ClusterSharding.ShardCommand> shard) {
    return create(uid, deps, shard, null);
  }

  /** As above, with the restart accounting the entity shares with its outer supervisor. */
  static Behavior<UserCommand> create(String uid, Dependencies deps,
      ActorRef<ClusterSharding.ShardCommand> shard, Supervised.Restarts restarts) {
    // Object.class: the MDC must also cover the entity's internal persistence messages, in
    // which the effects after a persist run
    return Mdc.everyMessage(
        Map.of("uid", uid),
        Behaviors.setup(ctx -> new UserSession(uid, deps, ctx, shard,
            restarts != null ? restarts
                : Supervised.restarts(TYPE_KEY.name(), uid, NodeMetrics.get(ctx.getSystem())))));
  }

  @Override
  public UserState emptyState() {
    return Unknown.INSTANCE;
  }

  @Override
  public Set<String> tagsFor(UserEvent event) {
    return Set.of(TAG);
  }

  @Override
  public CommandHandler<UserCommand, UserEvent, UserState> commandHandler() {
    // one handler per command; what differs by state is decided in the handler, from the state
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(GetPresence.class, this::getPresence)
        .onCommand(Login.class, this::login)
        .onCommand(Logout.class, this::logout)
        .onCommand(ConnectionLost.class, this::connectionLost)
        .onCommand(Register.class, this::register)
        .onCommand(CallStarted.class, this::callStarted)
        .onCommand(CallEnded.class, this::callEnded)
        .onCommand(RouteInboundCall.class, this::route)
        .onCommand(AdmitCall.class,
            (state, admit) -> limits.admit(state, admit).thenRun(this::passivateIfIdle))
        .onCommand(AdmitParty.class,
            (state, admit) -> limits.admitParty(state, admit).thenRun(this::passivateIfIdle))
        .onCommand(CallChecked.class,
            (state, checked) -> limits.checked(state, checked).thenRun(this::passivateIfIdle))
        .onAnyCommand(this::unexpected);
  }

  @Override
  public EventHandler<UserState, UserEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(UserEventHandler::apply);
  }

  @Override
  public SignalHandler<UserState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          restarts.recovered();
          recovered(state);
        })
        .onSignal(PreRestart.instance(), state -> restarts.preRestart())
        .build();
  }

  private void recovered(UserState state) {
    if (state instanceof Online on && !deps.nodeIsMember().test(on.node())) {
      ctx.getLog().info("recovered online on {}, which left the cluster: logging out", on.node());
      ctx.getSelf().tell(new ConnectionLost(on.connectionId()));
    } else if (state instanceof Online on && on.sipRegistered()) {
      // the SIP registration lives in the SIP adapter of the node running this entity: after a
      // move (a node died or left) this node's adapter takes it over; on the same node it is a
      // refresh of a binding that exists
      ctx.getLog().info("recovered online and SIP-registered: registering from this node");
      deps.registrations().tell(new SipRegistrationCommand.Bind(uid));
    } else if (state instanceof Offline off && off.idle()) {
      passivate();
    }
  }

  private Effect<UserEvent, UserState> getPresence(UserState state, GetPresence get) {
    passivateIfIdle(state);
    return Effect().reply(get.replyTo(), presence(state));
  }

  private Effect<UserEvent, UserState> logout(UserState state, Logout logout) {
    if (!(state instanceof Online on) || !on.connectionId().equals(logout.connectionId())) {
      return Effect()
          .reply(logout.replyTo(), new UserReply.Rejected(uid, "not logged in on this connection"));
    }
    return loggedOut(on, "logout").thenReply(logout.replyTo(), s -> new UserReply.Accepted(uid));
  }

  private Effect<UserEvent, UserState> connectionLost(UserState state, ConnectionLost lost) {
    if (state instanceof Online on && on.connectionId().equals(lost.connectionId())) {
      return loggedOut(on, "connection lost");
    }
    return Effect().none();
  }

  private Effect<UserEvent, UserState> callStarted(UserState state, CallStarted started) {
    if (calls(state).contains(started.callId())) {
      return Effect().none();
    }
    return Effect().persist(new CallJoined(started.callId(), deps.clock().instant()));
  }

  private Effect<UserEvent, UserState> callEnded(UserState state, CallEnded ended) {
    if (!calls(state).contains(ended.callId()) && !parked(state).contains(ended.callId())) {
      passivateIfIdle(state);
      return Effect().none();
    }
    return Effect()
        .persist(new CallLeft(ended.callId(), deps.clock().instant()))
        .thenRun(this::passivateIfIdle);
  }

  private Effect<UserEvent, UserState> unexpected(UserState state, UserCommand command) {
    ctx.getLog().warn("unexpected {}", command.getClass().getSimpleName());
    return Effect().unhandled();
  }

  private Effect<UserEvent, UserState> login(UserState state, Login login) {
    if (state instanceof Online on && on.connectionId().equals(login.connectionId())) {
      return Effect().reply(login.replyTo(), new UserReply.Accepted(uid));
    }
    Online previous = state instanceof Online on ? on : null;
    List<String> released = parked(state);
    boolean sip = sipRegistered(state);
    LoggedIn event =
        new LoggedIn(
            login.node(),
            login.connectionId(),
            previous == null ? null : previous.connectionId(),
            released,
            deps.clock().instant());
    return Effect()
        .persist(event)
        .thenRun(
            next -> {
              ctx.getLog().info("logged in on {} ({})", login.node(), login.connectionId());
              if (previous != null) {
                deps.clients()
                    .tell(new ClientNotification.SessionReplaced(
                        uid, previous.node(), previous.connectionId(),
                        "logged in again on another connection"));
              }
              for (String callId : released) {
                deps.calls().tell(callId,
                    new CallCommand.CalleeOnline(uid, login.node(), login.connectionId()));
              }
              if (sip && previous == null) {
                deps.registrations().tell(new SipRegistrationCommand.Bind(uid));
              }
            })
        .thenReply(login.replyTo(), s -> new UserReply.Accepted(uid));
  }

  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<UserEvent, UserState> loggedOut(
      Online on, String reason) {
    return Effect()
        .persist(new LoggedOut(on.connectionId(), reason, deps.clock().instant()))
        .thenRun(
            next -> {
              ctx.getLog().info("logged out: {}", reason);
              if (on.sipRegistered()) {
                deps.registrations().tell(new SipRegistrationCommand.Unbind(uid));
              }
              passivateIfIdle(next);
            });
  }

  private Effect<UserEvent, UserState> register(UserState state, Register register) {
    boolean online = state instanceof Online;
    if (sipRegistered(state) == register.wanted() && state != Unknown.INSTANCE) {
      if (online && register.wanted()) {
        // a refresh request: make sure the binding exists
        deps.registrations().tell(new SipRegistrationCommand.Bind(uid));
      }
      return Effect().reply(register.replyTo(), new UserReply.Accepted(uid));
    }
    return Effect()
        .persist(new SipRegistrationChanged(register.wanted(), deps.clock().instant()))
        .thenRun(
            next -> {
              if (online) {
                deps.registrations().tell(register.wanted()
                    ? new SipRegistrationCommand.Bind(uid)
                    : new SipRegistrationCommand.Unbind(uid));
              }
            })
        .thenReply(register.replyTo(), s -> new UserReply.Accepted(uid));
  }

  private Effect<UserEvent, UserState> route(UserState state, RouteInboundCall route) {
    String callId = route.callId();
    if (state == Unknown.INSTANCE && !deps.parkableUnknown().test(uid)) {
      ctx.getLog().info("inbound call {} for a user never seen", callId);
      route.replyTo().tell(new CallCommand.CalleeUnknown(uid));
      passivate();
      return Effect().none();
    }
    if (state instanceof Online on) {
      CallCommand.CalleeOnline online =
          new CallCommand.CalleeOnline(uid, on.node(), on.connectionId());
      if (on.calls().contains(callId)) {
        route.replyTo().tell(online);
        return Effect().none();
      }
      return Effect()
          .persist(new CallJoined(callId, deps.clock().instant()))
          .thenRun(next -> route.replyTo().tell(online));
    }
    CallCommand.CalleeOffline offline = new CallCommand.CalleeOffline(uid);
    if (parked(state).contains(callId)) {
      route.replyTo().tell(offline);
      return Effect().none();
    }
    return Effect()
        .persist(new CallParked(callId, deps.clock().instant()))
        .thenRun(
            next -> {
              ctx.getLog().info("inbound call {} parked: user {}", callId,
                  state == Unknown.INSTANCE ? "never seen, its uid matches the push pattern"
                      : "offline");
              route.replyTo().tell(offline);
            });
  }

  private void passivateIfIdle(UserState state) {
    if (state == Unknown.INSTANCE || state instanceof Offline off && off.idle()) {
      passivate();
    }
  }

  private void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
  }

  private Presence presence(UserState state) {
    if (state instanceof Online on) {
      return new Presence(uid, true, on.node(), on.connectionId(), on.sipRegistered(),
          on.calls(), List.of(), on.since());
    }
    if (state instanceof Offline off) {
      return new Presence(uid, false, null, null, off.sipRegistered(), off.calls(), off.parked(),
          off.since());
    }
    return new Presence(uid, false, null, null, false, List.of(), List.of(), null);
  }

  private static List<String> calls(UserState state) {
    if (state instanceof Online on) {
      return on.calls();
    }
    return state instanceof Offline off ? off.calls() : List.of();
  }

  private static List<String> parked(UserState state) {
    return state instanceof Offline off ? off.parked() : List.of();
  }

  private static boolean sipRegistered(UserState state) {
    if (state instanceof Online on) {
      return on.sipRegistered();
    }
    return state instanceof Offline off && off.sipRegistered();
  }
}
