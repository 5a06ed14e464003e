package io.rtc2sip.actors.call;

import static io.rtc2sip.actors.call.CallFixture.UID;
import static io.rtc2sip.actors.call.CallFixture.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.support.TestKits;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A PlaceCall that cannot make a call (the signaling edge refuses these first) is rejected by
 * the entity, which neither persists anything nor throws (a throw restarts it and leaves the
 * client waiting for its ask timeout).
 */
class PlaceCallInputTest {
  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @Test
  void aPlaceCallWithoutChannelIsRejectedWithoutARestart() {
    for (String channel : new String[] {"", "  ", null}) {
      CallFixture f = CallFixture.outbound(TEST_KIT);
      var result = f.kit.<CallReply>runCommand(r -> new PlaceCall(UID, channel, "+4930123", r));
      assertTrue(result.hasNoEvents());
      assertEquals("a call needs an RTC channel and a target", rejection(result.reply()));
    }
  }

  @Test
  void aPlaceCallWithoutTargetIsRejected() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    var result = f.kit.<CallReply>runCommand(r -> new PlaceCall(UID, "call-x", " ", r));
    assertTrue(result.hasNoEvents());
    assertEquals("a call needs an RTC channel and a target", rejection(result.reply()));
  }
}
