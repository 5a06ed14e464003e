package io.rtc2sip.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class EntitiesTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aLoginLostOnTheWayIsAskedAgainWellWithinTheAskTimeout() throws Exception {
    TestProbe<ShardingEnvelope<UserCommand>> users = KIT.createTestProbe();
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    Entities entities = new Entities(KIT.system(), EntityMessenger.envelopes(calls.ref()),
        EntityMessenger.envelopes(users.ref()), Duration.ofSeconds(10), "entities-test");
    long asked = System.nanoTime();
    var reply = entities.<UserReply>userIdempotent("ann",
        ref -> new UserCommand.Login("node", "tcp-1", ref)).toCompletableFuture();
    // the first login is lost (as sharding drops what it holds for a shard being handed off)
    users.expectMessageClass(ShardingEnvelope.class);
    // the second is answered
    ShardingEnvelope<UserCommand> again = users.expectMessageClass(ShardingEnvelope.class,
        Duration.ofSeconds(3));
    ((UserCommand.Login) again.message()).replyTo().tell(new UserReply.Accepted("ann"));
    assertEquals(new UserReply.Accepted("ann"), reply.get(5, TimeUnit.SECONDS));
    long tookMs = (System.nanoTime() - asked) / 1_000_000;
    assertEquals(true, tookMs < 5000, "answered after the retry, not the 10 s timeout: " + tookMs);
  }
}
