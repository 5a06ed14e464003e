package io.rtc2sip.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Sends a message to a sharded entity by its id. Entities use it to talk to each other (a call
 * to the user session of its RTC user, a user session to a parked call) without holding each
 * other's refs; the entity reference is looked up when a message is sent, so the two entity types
 * can be initialised in any order.
 */
@FunctionalInterface
public interface EntityMessenger<M> {

  void tell(String entityId, M message);

  /** Production: through Cluster Sharding. */
  static <M> EntityMessenger<M> sharded(ActorSystem<?> system, EntityTypeKey<M> typeKey) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (entityId, message) -> sharding.entityRefFor(typeKey, entityId).tell(message);
  }

  /** Into an actor that takes sharding envelopes (a shard region, or a test probe). */
  static <M> EntityMessenger<M> envelopes(ActorRef<ShardingEnvelope<M>> target) {
    return (entityId, message) -> target.tell(new ShardingEnvelope<>(entityId, message));
  }
}
