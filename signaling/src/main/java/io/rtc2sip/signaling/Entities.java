package io.rtc2sip.signaling;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/** Requests to calls and user sessions by id, answered within the ask timeout. */
final class Entities {

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<CallCommand>> calls;
  private final ActorRef<ShardingEnvelope<UserCommand>> users;
  private final EntityMessenger<UserCommand> userMessenger;
  private final Duration timeout;

  Entities(ActorSystem<?> system, EntityMessenger<CallCommand> calls,
      EntityMessenger<UserCommand> users, Duration timeout, String name) {
    this.system = system;
    this.calls = system.systemActorOf(forwarder(calls), name + "-calls", Props.empty());
    try {
      this.users = system.systemActorOf(forwarder(users), name + "-users", Props.empty());
    } catch (RuntimeException e) {
      system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(
          this.calls)); // a start that failed half-way leaves nothing behind
      throw e;
    }
    this.userMessenger = users;
    this.timeout = timeout;
  }

  <R> CompletionStage<R> call(String callId, Function<ActorRef<R>, CallCommand> command) {
    return AskPattern.ask(calls, (ActorRef<R> r) -> new ShardingEnvelope<>(callId,
        command.apply(r)), timeout, system.scheduler());
  }

  <R> CompletionStage<R> user(String uid, Function<ActorRef<R>, UserCommand> command) {
    return AskPattern.ask(users, (ActorRef<R> r) -> new ShardingEnvelope<>(uid,
        command.apply(r)), timeout, system.scheduler());
  }

  /**
   * Like {@link #user}, for a command the user session may get twice (a login of one connection
   * is): asked again every {@link #RETRY_AFTER} up to the ask timeout. Cluster sharding drops the
   * messages it holds for a shard that is being handed to another node (a node leaving): one
   * lost ask then costs a retry, not the whole timeout.
   */
  <R> CompletionStage<R> userIdempotent(String uid, Function<ActorRef<R>, UserCommand> command) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return attempt(uid, command, deadline);
  }

  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private <R> CompletionStage<R> attempt(String uid, Function<ActorRef<R>, UserCommand> command,
      long deadline) {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    Duration wait = left.compareTo(RETRY_AFTER) < 0 ? left : RETRY_AFTER;
    CompletionStage<R> asked = AskPattern.ask(users, (ActorRef<R> r) -> new ShardingEnvelope<>(uid,
        command.apply(r)), wait.isNegative() || wait.isZero() ? Duration.ofMillis(1) : wait,
        system.scheduler());
    return asked.handle((reply, failure) -> {
      if (failure == null) {
        return java.util.concurrent.CompletableFuture.completedFuture(reply);
      }
      Throwable cause = failure instanceof java.util.concurrent.CompletionException
          ? failure.getCause() : failure;
      if (cause instanceof java.util.concurrent.TimeoutException
          && System.nanoTime() < deadline) {
        return attempt(uid, command, deadline);
      }
      return java.util.concurrent.CompletableFuture.<R>failedFuture(failure);
    }).thenCompose(Function.identity());
  }

  void tellUser(String uid, UserCommand command) {
    userMessenger.tell(uid, command);
  }

  /** Stops the forwarders; completes once they are gone (their names free for a new server). */
  CompletionStage<Void> stop() {
    return CompletableFuture.allOf(
        gone(calls).toCompletableFuture(), gone(users).toCompletableFuture());
  }

  private static CompletionStage<Boolean> gone(ActorRef<?> ref) {
    return org.apache.pekko.pattern.Patterns.gracefulStop(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(ref), Duration.ofSeconds(10));
  }

  private static <M> Behavior<ShardingEnvelope<M>> forwarder(EntityMessenger<M> messenger) {
    return Behaviors.receiveMessage(e -> {
      messenger.tell(e.entityId(), e.message());
      return Behaviors.same();
    });
  }
}
