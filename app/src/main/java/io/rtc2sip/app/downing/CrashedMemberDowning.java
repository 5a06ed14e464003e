package io.rtc2sip.app.downing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;

/**
 * Downs a member at once when its process is known to be gone, instead of waiting for the
 * failure detector and the split-brain resolver (seconds each).
 *
 * <p>Known to be gone means both: the liveness link to it ended ({@link LivenessLinks}: its
 * kernel closed the socket, which happens at once when a process dies, or the failure detector
 * found it unreachable), and its cluster remoting port then refuses connections ({@link
 * RemotingProbe}). A node that is paused, overloaded or cut off by the network keeps its port
 * bound or does not answer: it is left to the failure detector and the split-brain resolver,
 * which guard against partitions. Members that are leaving are never downed here (their links
 * end when they exit).
 */
final class CrashedMemberDowning {
  /** The role a node announces its liveness port in: {@code liveness-<port>}. */
  static final String ROLE_PREFIX = "liveness-";

  interface Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record LinkLost(String key) implements Command {}

  private record Probed(Member member, RemotingProbe.Result result, String why) implements Command {}

  private CrashedMemberDowning() {}

  /**
   * @param links this node's liveness links (owned by the caller, closed when the node ends)
   * @param probeTimeout how long a remoting probe waits for an answer
   * @param blocking where the probe's blocking connect runs
   */
  static Behavior<Command> create(LivenessLinks links, Duration probeTimeout, Executor blocking) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      ActorRef<ClusterEvent.MemberEvent> members = ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new);
      ActorRef<ClusterEvent.ReachabilityEvent> reachability =
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new);
      cluster.subscriptions().tell(Subscribe.create(members, ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(reachability, ClusterEvent.ReachabilityEvent.class));
      links.onLost(key -> ctx.getSelf().tell(new LinkLost(key)));
      return new Handler(ctx, cluster, links, probeTimeout, blocking).behavior();
    });
  }

  private static final class Handler {
    private final ActorContext<Command> ctx;
    private final Cluster cluster;
    private final LivenessLinks links;
    private final Duration probeTimeout;
    private final Executor blocking;

    Handler(ActorContext<Command> ctx, Cluster cluster, LivenessLinks links, Duration probeTimeout, Executor blocking) {
      this.ctx = ctx;
      this.cluster = cluster;
      this.links = links;
      this.probeTimeout = probeTimeout;
      this.blocking = blocking;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(MemberChanged.class, m -> onMember(m.event()))
          .onMessage(ReachabilityChanged.class, m -> onReachability(m.event()))
          .onMessage(LinkLost.class, m -> onLinkLost(m.key()))
          .onMessage(Probed.class, this::onProbed)
          .build();
    }

    private Behavior<Command> onMember(ClusterEvent.MemberEvent event) {
      Member member = event.member();
      if (member.uniqueAddress().equals(cluster.selfMember().uniqueAddress())) {
        return Behaviors.same();
      }
      if (event instanceof ClusterEvent.MemberUp || event instanceof ClusterEvent.MemberWeaklyUp) {
        livenessPort(member).ifPresent(port -> links.watch(key(member), host(member), port));
      } else {
        // leaving, exiting, downed or removed: its link ending now says nothing
        links.unwatch(key(member));
      }
      return Behaviors.same();
    }

    private Behavior<Command> onReachability(ClusterEvent.ReachabilityEvent event) {
      if (event instanceof ClusterEvent.UnreachableMember u && running(u.member())) {
        probe(u.member(), "unreachable to the failure detector");
      }
      return Behaviors.same();
    }

    private Behavior<Command> onLinkLost(String key) {
      current(key).filter(this::running).ifPresent(m -> probe(m, "its liveness link closed"));
      return Behaviors.same();
    }

    private void probe(Member member, String why) {
      String host = host(member);
      int port = member.address().getPort().orElse(-1);
      ctx.pipeToSelf(
          CompletableFuture.supplyAsync(() -> RemotingProbe.probe(host, port, probeTimeout), blocking),
          (result, failure) -> new Probed(member, failure == null ? result : RemotingProbe.Result.UNKNOWN, why));
    }

    private Behavior<Command> onProbed(Probed p) {
      Optional<Member> now = current(key(p.member())).filter(this::running);
      if (now.isEmpty()) {
        return Behaviors.same();
      }
      switch (p.result()) {
        case REFUSED -> {
          ctx.getLog().warn(
              "member {} is gone ({}, and its remoting port refuses connections): downing it now",
              p.member().address(), p.why());
          // Quarantine first: the cluster marks a quarantined member terminated (unreachable),
          // which the leader needs before it removes a downed member; without it the removal
          // waits for the failure detector.
          quarantine(p.member());
          cluster.manager().tell(new Down(p.member().address()));
        }
        case LISTENING -> {
          ctx.getLog().info("member {}: {}, but its remoting port accepts connections: not"
              + " crashed; left to the failure detector and the split-brain resolver",
              p.member().address(), p.why());
          livenessPort(p.member())
              .filter(port -> !links.watching(key(p.member())))
              .ifPresent(port -> links.watch(key(p.member()), host(p.member()), port));
        }
        case UNKNOWN -> ctx.getLog().info(
            "member {}: {}, but its host does not answer; left to the failure detector and the"
                + " split-brain resolver", p.member().address(), p.why());
      }
      return Behaviors.same();
    }

    private void quarantine(Member member) {
      ActorRefProvider provider = ((ExtendedActorSystem) Adapter.toClassic(ctx.getSystem())).provider();
      if (provider instanceof RemoteActorRefProvider remote) {
        remote.quarantine(member.address(), Option.apply((Object) member.uniqueAddress().longUid()),
            "its process is gone (remoting port refuses connections)");
      }
    }

    private Optional<Member> current(String key) {
      for (Member m : cluster.state().getMembers()) {
        if (key(m).equals(key)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }

    private boolean running(Member member) {
      MemberStatus status = member.status();
      return status == MemberStatus.up() || status == MemberStatus.weaklyUp() || status == MemberStatus.joining();
    }
  }

  static String key(Member member) {
    return member.uniqueAddress().toString();
  }

  private static String host(Member member) {
    return member.address().getHost().orElse("127.0.0.1");
  }

  static Optional<Integer> livenessPort(Member member) {
    for (String role : member.getRoles()) {
      if (role.startsWith(ROLE_PREFIX)) {
        try {
          return Optional.of(Integer.parseInt(role.substring(ROLE_PREFIX.length())));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
