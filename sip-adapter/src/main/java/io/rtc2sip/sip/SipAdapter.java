package io.rtc2sip.sip;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.Supervised;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.port.MediaEndpoints;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import io.rtc2sip.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP side of a node: the JAIN-SIP stack, the port calls send {@link SipLegCommand}s to,
 * and the registration port of user sessions. Facts go to the calls by id through {@code calls};
 * RTP addresses come from the media bridge's {@link MediaEndpoints}.
 */
public final class SipAdapter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SipAdapter.class);
  private static final Object STOP = new Object();

  private final SipStackRunner sip;
  private final ActorRef<Object> legs;
  private final ActorRef<Object> registrations;
  private final SipRegistrations registering;
  private final SipLegs open;
  private final LegChecks checks;

  private SipAdapter(SipStackRunner sip, ActorRef<Object> legs, ActorRef<Object> registrations,
      SipRegistrations registering, SipLegs open, LegChecks checks) {
    this.registering = registering;
    this.open = open;
    this.checks = checks;
    this.sip = sip;
    this.legs = legs;
    this.registrations = registrations;
  }

  /** Starts the adapter with the default {@link DialogSettings}. */
  public static SipAdapter start(
      ActorSystem<?> system,
      SipSettings settings,
      EntityMessenger<CallCommand> calls,
      MediaEndpoints media,
      CallQuery query) throws Exception {
    return start(system, settings, DialogSettings.DEFAULT, calls, media, query);
  }

  /**
   * Starts the stack on {@code settings}' address and the ports on {@code system}.
   *
   * @param query asks a call for its state and dialog (to answer requests for dialogs that do
   *     not exist, to check requests in a dialog this node holds no state of, to free what a call
   *     that is over left)
   */
  public static SipAdapter start(
      ActorSystem<?> system,
      SipSettings settings,
      DialogSettings dialogSettings,
      EntityMessenger<CallCommand> calls,
      MediaEndpoints media,
      CallQuery query) throws Exception {
    SipHandler handler = new SipHandler();
    NodeMetrics metrics = NodeMetrics.get(system);
    SipStackRunner sip = SipStackRunner.start(settings, handler, metrics);
    SipContext ctx = new SipContext(sip, calls, media, new DialogMismatches(metrics));
    metrics.sipDialogsOpen(ctx.legs::size);
    InboundInvites inbound = new InboundInvites(ctx);
    OutboundInvites outbound = new OutboundInvites(ctx);
    DialogRequests dialogs = new DialogRequests(ctx, query);
    SipRegistrations registering = new SipRegistrations(ctx);
    handler.bind(ctx, inbound, outbound, dialogs, registering);
    SipLegPort port = new SipLegPort(ctx.legs, inbound, outbound, dialogs);
    ActorRef<Object> legs = system.systemActorOf(
        Supervised.adapter("sip-adapter", NodeMetrics.get(system), port.behavior(STOP),
            Object.class, true),
        "sip-adapter", Props.empty());
    ActorRef<Object> registrations = system.systemActorOf(registrationBehavior(registering),
        "sip-registrations", Props.empty());
    LegChecks checks = new LegChecks(ctx, query, dialogSettings, system);
    return new SipAdapter(sip, legs, registrations, registering, ctx.legs, checks);
  }

  /** The port of the calls on this node. */
  public ActorRef<SipLegCommand> port() {
    return legs.narrow();
  }

  /** The registration port of user sessions. */
  public ActorRef<SipRegistrationCommand> registrations() {
    return registrations.narrow();
  }

  private static Behavior<Object> registrationBehavior(SipRegistrations registering) {
    return Behaviors.receive(Object.class)
        .onMessageEquals(STOP, Behaviors::stopped)
        .onMessage(SipRegistrationCommand.class, r -> {
          registering.handle(r);
          return Behaviors.same();
        })
        .build();
  }

  /** REGISTERING, REGISTERED, FAILED or UNREGISTERED: where {@code uid}'s binding stands. */
  public String registrationState(String uid) {
    return registering.state(uid).name();
  }

  /** Calls whose SIP state this node holds (what {@code rtc2sip_sip_dialogs_open} shows). */
  int openDialogs() {
    return open.size();
  }

  @Override
  public void close() {
    checks.close();
    legs.tell(STOP);
    registrations.tell(STOP);
    registering.close();
    sip.close();
  }
}
