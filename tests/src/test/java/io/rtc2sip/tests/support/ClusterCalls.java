package io.rtc2sip.tests.support;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import io.rtc2sip.actors.user.UserSession;
import io.rtc2sip.testkit.Until;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** A test's view of a node's calls and user sessions, through cluster sharding. */
public final class ClusterCalls {
  private static final Duration ASK = Duration.ofSeconds(10);
  private final ClusterSharding sharding;

  public ClusterCalls(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  public CallView view(String callId) {
    try {
      return sharding.entityRefFor(CallEntity.TYPE_KEY, callId)
          .<CallView>ask(CallCommand.GetCall::new, ASK).toCompletableFuture().get();
    } catch (Exception e) {
      throw new AssertionError("call " + callId + " did not answer", e);
    }
  }

  public CallReply call(String callId, Function<ActorRef<CallReply>, CallCommand> command)
      throws Exception {
    return sharding.entityRefFor(CallEntity.TYPE_KEY, callId)
        .<CallReply>ask(command::apply, ASK).toCompletableFuture().get();
  }

  /** Logs {@code uid} in on {@code node} (its address) as connection {@code connection}. */
  public UserReply login(String uid, String node, String connection) throws Exception {
    return sharding.entityRefFor(UserSession.TYPE_KEY, uid)
        .<UserReply>ask(r -> new UserCommand.Login(node, connection, r), ASK)
        .toCompletableFuture().get();
  }

  public Presence presence(String uid) throws Exception {
    return sharding.entityRefFor(UserSession.TYPE_KEY, uid)
        .<Presence>ask(UserCommand.GetPresence::new, ASK).toCompletableFuture().get();
  }

  /** The call's view once its state is {@code state} (30 s at most). */
  public CallView awaitState(String callId, String state) throws Exception {
    return CallStates.await(this::view, callId, state, Duration.ofSeconds(30));
  }

  /** The first call of {@code uid} for which {@code ready} holds (20 s at most). */
  public String awaitCallOf(String uid, Predicate<String> ready) {
    // the call arrives by SIP: poll the user's presence
    return Until.value(Duration.ofSeconds(20), Until.probing(() -> {
      for (String id : presence(uid).calls()) {
        if (ready.test(id)) {
          return id;
        }
      }
      return null;
    }), () -> "a call for " + uid);
  }
}
