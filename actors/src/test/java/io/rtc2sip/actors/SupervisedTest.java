package io.rtc2sip.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SupervisionEvent;
import io.rtc2sip.metrics.SupervisionLog;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Failures are contained, restarted as the strategy says, and each one is recorded. */
class SupervisedTest {
  private static final ActorTestKit kit = ActorTestKit.create("supervised");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Counts messages; "fail" throws; replies its count to any ActorRef message. */
  private static Behavior<Object> counter(int count, TestProbe<String> started) {
    return Behaviors.setup(ctx -> {
      if (count == 0) {
        started.getRef().tell("started");
      }
      return Behaviors.receive(Object.class)
          .onMessageEquals("fail", () -> {
            throw new IllegalStateException("boom");
          })
          .onMessage(ActorRef.class, replyTo -> {
            @SuppressWarnings("unchecked")
            ActorRef<Integer> r = (ActorRef<Integer>) replyTo;
            r.tell(count);
            return Behaviors.same();
          })
          .onAnyMessage(m -> counter(count + 1, started))
          .build();
    });
  }

  @Test
  void aFailedEntityRestartsWithBackoffAndTheRestartIsRecorded() {
    NodeMetrics metrics = NodeMetrics.get(kit.system());
    TestProbe<String> started = kit.createTestProbe();
    TestProbe<Integer> count = kit.createTestProbe();
    Supervised.Restarts restarts = Supervised.restarts("call", "o-1", metrics);
    ActorRef<Object> entity = kit.spawn(Supervised.restartWithBackoff(restarts,
        counter(0, started)));
    started.expectMessage("started");
    entity.tell("x");
    entity.tell("fail");
    started.expectMessage(Duration.ofSeconds(5), "started"); // restarted after the backoff
    entity.tell(count.getRef());
    assertEquals(0, count.receiveMessage(), "state starts over (an entity recovers its events)");
    List<SupervisionEvent> events = metrics.supervision().recent();
    SupervisionEvent last = events.get(events.size() - 1);
    assertEquals(SupervisionLog.KIND_ENTITY_RESTART, last.kind());
    assertEquals("o-1", last.subject());
    assertTrue(last.detail().contains("boom"), last.detail());
    assertTrue(metrics.scrape().contains("rtc2sip_entity_restarts_total{entity=\"call\"} 1.0"));

    // the PreRestart the entity then sees was the outer supervisor's: not counted again
    restarts.preRestart();
    assertEquals(events.size(), metrics.supervision().recent().size());
    // a PreRestart from the journal's own supervisor is a persistence failure
    restarts.preRestart();
    assertEquals(SupervisionLog.KIND_PERSISTENCE_FAILURE,
        metrics.supervision().recent().get(events.size()).kind());
  }

  @Test
  void aResumedAdapterKeepsItsStateAndTheFailureIsRecorded() {
    NodeMetrics metrics = NodeMetrics.get(kit.system());
    TestProbe<String> started = kit.createTestProbe();
    TestProbe<Integer> count = kit.createTestProbe();
    ActorRef<Object> adapter = kit.spawn(Supervised.adapter("sip-adapter", metrics,
        counter(0, started), Object.class, true));
    started.expectMessage("started");
    adapter.tell("x");
    adapter.tell("fail");
    adapter.tell(count.getRef());
    assertEquals(1, count.receiveMessage(), "resumed: the count survived the failure");
    started.expectNoMessage(Duration.ofMillis(200));
    assertTrue(metrics.supervision().recent().stream().anyMatch(e ->
        e.kind().equals(SupervisionLog.KIND_ADAPTER_RESTART) && e.subject().equals("sip-adapter")
            && e.detail().contains("resumed")));
  }
}
