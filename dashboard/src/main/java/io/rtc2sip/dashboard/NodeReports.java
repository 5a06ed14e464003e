package io.rtc2sip.dashboard;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SipDestination;
import io.rtc2sip.metrics.SipTrace;
import io.rtc2sip.metrics.SupervisionEvent;
import io.rtc2sip.metrics.SupervisionLog;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * What one node tells the dashboard of any node: its recent supervision events, the SIP
 * messages it kept of a call, and its view of the SIP destination sets' servers. Registered with
 * the receptionist on every node, so a dashboard gathers the whole cluster. It also records the
 * cluster's reachability changes as this node saw them.
 */
public final class NodeReports {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "node-reports");

  /** Requests to a node. */
  public sealed interface Command {}

  /** The node's recent supervision events. */
  public record GetSupervision(ActorRef<Supervision> replyTo) implements Command,
      CborSerializable {}

  /** The SIP messages of {@code callId} this node sent or received. */
  public record GetSipTrace(String callId, ActorRef<SipMessages> replyTo) implements Command,
      CborSerializable {}

  /** The servers of the node's destination sets as this node probes them. */
  public record GetDestinations(ActorRef<Destinations> replyTo) implements Command,
      CborSerializable {}

  public record Supervision(List<SupervisionEvent> events) implements CborSerializable {}

  public record Destinations(String node, List<SipDestination> servers)
      implements CborSerializable {}

  public record SipMessages(String node, List<SipTrace.Message> messages)
      implements CborSerializable {}

  private record MemberEvent(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private NodeReports() {}

  /** Starts this node's reporter. */
  public static void start(ActorSystem<?> system) {
    system.systemActorOf(behavior(NodeMetrics.get(system)), "node-reports", Props.empty());
  }

  static Behavior<Command> behavior(NodeMetrics metrics) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, MemberEvent::new),
          ClusterEvent.ReachabilityEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberRemoved.class, MemberEvent::new),
          ClusterEvent.MemberRemoved.class));
      SupervisionLog log = metrics.supervision();
      return Behaviors.receive(Command.class)
          .onMessage(GetSupervision.class, get -> {
            get.replyTo().tell(new Supervision(log.recent()));
            return Behaviors.same();
          })
          .onMessage(GetSipTrace.class, get -> {
            get.replyTo().tell(new SipMessages(metrics.node(),
                metrics.sipTrace().of(get.callId())));
            return Behaviors.same();
          })
          .onMessage(GetDestinations.class, get -> {
            get.replyTo().tell(new Destinations(metrics.node(), metrics.sipDestinations()));
            return Behaviors.same();
          })
          .onMessage(MemberEvent.class, m -> {
            record(log, m.event());
            return Behaviors.same();
          })
          .build();
    });
  }

  private static void record(SupervisionLog log, ClusterEvent.ClusterDomainEvent event) {
    if (event instanceof ClusterEvent.UnreachableMember u) {
      log.record(SupervisionLog.KIND_MEMBER_UNREACHABLE, u.member().address().toString(),
          "not reachable from this node (roles " + u.member().getRoles() + ")");
    } else if (event instanceof ClusterEvent.ReachableMember r) {
      log.record(SupervisionLog.KIND_MEMBER_REACHABLE, r.member().address().toString(),
          "reachable again");
    } else if (event instanceof ClusterEvent.MemberRemoved removed) {
      log.record(SupervisionLog.KIND_MEMBER_REMOVED, removed.member().address().toString(),
          "removed from the cluster (was " + removed.previousStatus() + ")");
    }
  }
}
