package io.rtc2sip.sip;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.Supervised;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.actors.port.MediaEndpoints;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import io.rtc2sip.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import io.rtc2sip.sip.access.DigestCheck;
import io.rtc2sip.sip.access.Nonces;
import io.rtc2sip.sip.access.SipAccessSettings;
import io.rtc2sip.sip.access.SourcePolicy;
import io.rtc2sip.sip.access.SourceTally;
import io.rtc2sip.sip.dispatch.DestinationMetrics;
import io.rtc2sip.sip.dispatch.DestinationSet;
import io.rtc2sip.sip.dispatch.DestinationSettings;
import io.rtc2sip.sip.dispatch.Destinations;
import io.rtc2sip.sip.dispatch.Server;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
  private final SipContext ctx;
  private final LegChecks checks;
  private final AutoCloseable pendingGauge;
  private final SipGuard guard;
  private final AutoCloseable bansGauge;
  private final InviteHops hops;
  private final OutboundInvites outbound;
  private final DestinationProbes probes;
  private final DestinationMetrics destinationMetrics;
  private final ReliableProvisionals reliable;

  private SipAdapter(SipStackRunner sip, ActorRef<Object> legs, ActorRef<Object> registrations,
      SipRegistrations registering, SipContext ctx, LegChecks checks, SipGuard guard,
      AutoCloseable bansGauge, AutoCloseable pendingGauge, InviteHops hops,
      OutboundInvites outbound, DestinationProbes probes, DestinationMetrics destinationMetrics,
      ReliableProvisionals reliable) {
    this.reliable = reliable;
    this.hops = hops;
    this.outbound = outbound;
    this.probes = probes;
    this.destinationMetrics = destinationMetrics;
    this.registering = registering;
    this.ctx = ctx;
    this.checks = checks;
    this.pendingGauge = pendingGauge;
    this.guard = guard;
    this.bansGauge = bansGauge;
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
    return start(system, settings, DialogSettings.DEFAULT, SipAccessSettings.defaults(), calls,
        media, query);
  }

  /** Starts the stack with the dialog settings {@code dialogSettings} and the default access policy. */
  public static SipAdapter start(
      ActorSystem<?> system,
      SipSettings settings,
      DialogSettings dialogSettings,
      EntityMessenger<CallCommand> calls,
      MediaEndpoints media,
      CallQuery query) throws Exception {
    return start(system, settings, dialogSettings, SipAccessSettings.defaults(), calls, media,
        query);
  }

  /** Starts the stack with the access policy {@code access} and the default dialog settings. */
  public static SipAdapter start(
      ActorSystem<?> system,
      SipSettings settings,
      SipAccessSettings access,
      EntityMessenger<CallCommand> calls,
      MediaEndpoints media,
      CallQuery query) throws Exception {
    return start(system, settings, DialogSettings.DEFAULT, access, calls, media, query);
  }

  /**
   * Starts the stack on {@code settings}' address and the ports on {@code system}, with the
   * dialog settings {@code dialogSettings} and the access policy {@code access} (trusted
   * networks, digest accounts, rate limits and bans, scanners, where the trunk's credentials
   * may go).
   *
   * @param query asks a call for its state and dialog (to answer requests for dialogs that do
   *     not exist, to check requests in a dialog this node holds no state of, to free what a call
   *     that is over left)
   */
  public static SipAdapter start(
      ActorSystem<?> system,
      SipSettings settings,
      DialogSettings dialogSettings,
      SipAccessSettings access,
      EntityMessenger<CallCommand> calls,
      MediaEndpoints media,
      CallQuery query) throws Exception {
    NodeMetrics metrics = NodeMetrics.get(system);
    Destinations destinations = new Destinations(DestinationSettings.fromConfig(
        system.settings().config(), settings.outboundProxy()));
    DestinationSet registrarSet = registrarSet(settings.registrar(), destinations);
    if (!settings.outboundProxy().isEmpty()
        && destinations.set(DestinationSettings.OUTBOUND_PROXY_SET).isEmpty()) {
      log.warn("rtc2sip.sip.outbound-proxy {} is not used: calls no route matches go to the"
          + " destination set named by rtc2sip.sip.destinations.default-set",
          settings.outboundProxy());
    }
    NodeMetrics.SipAccess counters = metrics.sipAccess();
    SourceTally tally = new SourceTally(1000);
    PeerNodes peers = ClusterPeers.of(system);
    SourcePolicy policy = new SourcePolicy(access, counters, tally, System::nanoTime, peers);
    SipGuard guard = new SipGuard(policy, tally, counters.malformed::inc, access.logInterval());
    AutoCloseable bansGauge = counters.bans(policy::activeBans);
    SipHandler handler = new SipHandler();
    SipStackRunner sip = SipStackRunner.start(settings, handler, metrics);
    guard.install(sip.stack);
    SipContext ctx = new SipContext(sip, calls, media, new DialogMismatches(metrics),
        JournalAvailability.get(system));
    metrics.sipDialogsOpen(ctx.legs::size);
    AutoCloseable pendingGauge = metrics.pendingInvites(ctx.legs::pendingInvites);
    handler.guard(new InviteAccess(ctx, policy, access, new DigestCheck(access.realm(),
        access.accounts(), new Nonces(nonceSecret(access), access.nonceLifetime(),
            System::currentTimeMillis)), counters, tally), guard);
    // the servers of every destination set (the outbound proxy among them) are trunk hosts
    List<String> trunkHosts = new ArrayList<>(access.trunkHosts());
    for (DestinationSet set : destinations.sets()) {
      for (Server server : set.servers()) {
        String host = TrunkChallenges.hostOf(server.uri(), sip.addresses);
        if (!host.isEmpty()) {
          trunkHosts.add(host);
        }
      }
    }
    SipTimers timers = SipTimers.fromConfig(system.settings().config());
    ReliableProvisionals reliable = new ReliableProvisionals(ctx,
        ReliableSettings.fromConfig(system.settings().config(), timers));
    InboundInvites inbound = new InboundInvites(ctx, reliable, timers);
    OutboundInvites outbound = new OutboundInvites(ctx, new TrunkChallenges(trunkHosts,
        access.trunkRealm(), counters.foreignChallenges::inc), destinations);
    DialogRequests dialogs = new DialogRequests(ctx, query, reliable);
    List<String> registrarHosts = new ArrayList<>();
    for (String uri : registrarSet == null ? List.of(settings.registrar())
        : registrarSet.servers().stream().map(Server::uri).toList()) {
      String host = TrunkChallenges.hostOf(uri, sip.addresses);
      if (!host.isEmpty()) {
        registrarHosts.add(host);
      }
    }
    SipRegistrations registering = new SipRegistrations(ctx, new TrunkChallenges(
        registrarHosts, access.registrarRealm(), counters.foreignChallenges::inc), registrarSet);
    handler.bind(ctx, inbound, outbound, dialogs, registering,
        new ReplacingInvites(ctx, inbound, query));
    InviteHops hops = new InviteHops(ctx, query,
        InviteHopSettings.fromConfig(system.settings().config()), peers, handler::take,
        metrics.registry());
    handler.hops(hops);
    DestinationProbes probes = new DestinationProbes(ctx, destinations, Clock.systemUTC());
    handler.probes(probes);
    probes.start();
    DestinationMetrics destinationMetrics = new DestinationMetrics(metrics, destinations);
    if (access.untrusted() == SipAccessSettings.Untrusted.CHALLENGE
        && access.accounts().isEmpty()) {
      log.info("SIP: INVITEs from outside {} are refused (403): no digest accounts in"
          + " rtc2sip.sip.access.accounts", access.trusted());
    } else {
      log.info("SIP: INVITEs from outside {} are {}", access.trusted(),
          access.untrusted() == SipAccessSettings.Untrusted.REFUSE ? "refused (403)"
              : "challenged (digest, realm " + access.realm() + ")");
    }
    SipLegPort port = new SipLegPort(ctx.legs, inbound, outbound, dialogs);
    ActorRef<Object> legs = system.systemActorOf(
        Supervised.adapter("sip-adapter", NodeMetrics.get(system), port.behavior(STOP),
            Object.class, true),
        "sip-adapter", Props.empty());
    ActorRef<Object> registrations = system.systemActorOf(registrationBehavior(registering),
        "sip-registrations", Props.empty());
    LegChecks checks = new LegChecks(ctx, inbound, query, dialogSettings, system);
    return new SipAdapter(sip, legs, registrations, registering, ctx, checks, guard,
        bansGauge, pendingGauge, hops, outbound, probes, destinationMetrics, reliable);
  }

  /** The destination set {@code registrar} names ({@code set:<name>}), or null for a URI. */
  private static DestinationSet registrarSet(String registrar, Destinations destinations) {
    if (!registrar.startsWith(SipRegistrations.SET_PREFIX)) {
      return null;
    }
    String name = registrar.substring(SipRegistrations.SET_PREFIX.length()).trim();
    return destinations.set(name).orElseThrow(() -> new IllegalArgumentException(
        "rtc2sip.sip.registrar: no set named \"" + name + "\" in rtc2sip.sip.destinations.sets"));
  }

  private static byte[] nonceSecret(SipAccessSettings access) {
    if (!access.nonceSecret().isEmpty()) {
      byte[] secret = access.nonceSecret().getBytes(StandardCharsets.UTF_8);
      if (secret.length >= 16) {
        return secret;
      }
      throw new IllegalArgumentException("rtc2sip.sip.access.nonce-secret must have at least 16"
          + " characters");
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return random;
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

  /** INVITEs awaiting our final response (tests). */
  int pendingInvites() {
    return ctx.legs.pendingInvites();
  }

  /** BYEs of ours waiting for the ACK of our 2xx on this node. */
  int byesAfterAck() {
    return ctx.legs.all().stream().mapToInt(SipLeg::byesAfterAck).sum();
  }

  /** Calls whose SIP state this node holds (what {@code rtc2sip_sip_dialogs_open} shows). */
  int openDialogs() {
    return ctx.legs.size();
  }

  /**
   * Where this node's SIP listener is ({@code host:port}): what a call running here tells a node
   * that received its INVITE ({@link io.rtc2sip.actors.port.CallPorts#sipAddress()}).
   */
  public String sipAddress() {
    return sip.settings.host() + ":" + sip.settings.port();
  }

  @Override
  public void close() {
    probes.close();
    destinationMetrics.close();
    outbound.close();
    reliable.close();
    hops.close();
    checks.close();
    // our BYEs still waiting for the ACK of our 2xx go now, once, while the stack runs
    ctx.legs.all().forEach(ctx::sendByesAfterAck);
    legs.tell(STOP);
    registrations.tell(STOP);
    registering.close();
    sip.close();
    guard.close();
    try {
      bansGauge.close();
      pendingGauge.close();
    } catch (Exception e) {
      log.debug("gauge not removed: {}", e.toString());
    }
  }
}
