package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rtc2sip.actors.call.CallCommand.Hold;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.support.TestKits;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Replay walks the same states the entity went through and recovers to. */
class CallReplayTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void replayedStatesAreTheEntitysStatesAtEachStep() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    List<CallEvent> events = new ArrayList<>();
    List<CallState> states = new ArrayList<>();
    var placed = f.kit.<CallReply>runCommand(
        r -> new CallCommand.PlaceCall(CallFixture.UID, "room", CallFixture.TARGET, r));
    events.addAll(placed.events());
    states.add(placed.state());
    for (CallCommand c : List.of(new SipProvisional(180, "t", null), CallFixture.answered())) {
      var result = f.kit.runCommand(c);
      events.addAll(result.events());
      states.add(result.state());
    }
    var held = f.kit.<CallReply>runCommand(r -> new Hold(CallFixture.UID, r));
    events.addAll(held.events());
    states.add(held.state());

    List<CallReplay.Step> steps = CallReplay.replay(events);
    assertEquals(states.size(), steps.size());
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(states.get(i), steps.get(i).after(), "step " + (i + 1));
      assertEquals(i + 1, steps.get(i).sequenceNr());
    }
    assertEquals(states.get(states.size() - 1), CallReplay.stateAfter(events));
  }

  @Test
  void aJournalTheEntityCouldNotRecoverIsReported() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    f.reach(CallState.Ended.class);
    List<CallEvent> events = new ArrayList<>(List.of(
        new CallEvent.CallTransferFailed(500, CallFixture.START)));
    assertThrows(IllegalStateException.class, () -> CallReplay.replay(events));
  }
}
