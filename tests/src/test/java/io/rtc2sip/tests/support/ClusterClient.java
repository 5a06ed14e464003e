package io.rtc2sip.tests.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.app.NodeConfig;
import io.rtc2sip.testkit.Until;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * A cluster member without the role {@code call}: it hosts no calls and reaches them through a
 * sharding proxy, like an operator tool or a test driving calls on the gateway nodes.
 */
public final class ClusterClient implements AutoCloseable {
  private static final Duration ASK = Duration.ofSeconds(15);

  private final ActorSystem<Void> system;
  private final ClusterSharding sharding;

  private ClusterClient(ActorSystem<Void> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(CallEntity.TYPE_KEY, ctx -> Behaviors.empty()));
  }

  /**
   * Joins the cluster of {@code seedNode} (a pekko:// address) from {@code port}.
   *
   * @param settings further configuration, e.g. the split-brain resolver timing of the cluster
   *     (this member may become the leader that downs others)
   */
  public static ClusterClient join(String seedNode, int port, Map<String, Object> settings) {
    Config overrides =
        ConfigFactory.parseMap(settings)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "pekko.cluster.roles", List.of(),
                        "pekko.coordinated-shutdown.exit-jvm", "off",
                        "rtc2sip.node.port", port)));
    Config config = NodeConfig.load(Map.of(), overrides);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "rtc2sip", config);
    Cluster.get(system)
        .manager()
        .tell(new JoinSeedNodes(List.of(AddressFromURIString.parse(seedNode))));
    return new ClusterClient(system);
  }

  /** Waits until {@code count} members are Up. */
  public void awaitMembersUp(int count, Duration timeout) {
    // polling membership gossip, which has no completion to wait on
    Until.until(timeout, () -> membersUp() >= count,
        () -> count + " members up, are " + membersUp());
  }

  private long membersUp() {
    long up = 0;
    for (var m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  public CallReply placeCall(String callId, String uid, String target) {
    return ask(callId, r -> new CallCommand.PlaceCall(uid, "room-" + uid, target, r));
  }

  public CallReply ask(
      String callId,
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<CallReply>, CallCommand> command) {
    return sharding
        .entityRefFor(CallEntity.TYPE_KEY, callId)
        .<CallReply>ask(command::apply, ASK)
        .toCompletableFuture()
        .join();
  }

  public void tell(String callId, CallCommand fact) {
    sharding.entityRefFor(CallEntity.TYPE_KEY, callId).tell(fact);
  }

  public CallView view(String callId) {
    return sharding
        .entityRefFor(CallEntity.TYPE_KEY, callId)
        .<CallView>ask(CallCommand.GetCall::new, ASK)
        .toCompletableFuture()
        .join();
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("client system did not stop", e);
    }
  }
}
