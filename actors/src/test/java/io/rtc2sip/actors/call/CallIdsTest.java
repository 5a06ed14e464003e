package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallIdsTest {

  @Test
  void inboundIdIsAStableHashOfCallIdAndFromTag() {
    String id = CallIds.forInbound("a84b4c76e66710@pc33.atlanta.com", "1928301774");
    assertEquals(id, CallIds.forInbound("a84b4c76e66710@pc33.atlanta.com", "1928301774"));
    assertTrue(id.matches("i-[0-9a-f]{32}"), id);
    assertNotEquals(id, CallIds.forInbound("a84b4c76e66710@pc33.atlanta.com", "1928301775"));
    assertNotEquals(id, CallIds.forInbound("a84b4c76e66711@pc33.atlanta.com", "1928301774"));
    // the separator keeps "ab"+"c" and "a"+"bc" apart
    assertNotEquals(CallIds.forInbound("ab", "c"), CallIds.forInbound("a", "bc"));
  }

  @Test
  void outboundCallIdAndSipCallIdRoundTrip() {
    String callId = CallIds.newOutbound();
    assertTrue(callId.startsWith("o-"));
    assertNotEquals(callId, CallIds.newOutbound());
    String sipCallId = CallIds.sipCallIdFor(callId);
    assertEquals(callId + "@rtc2sip", sipCallId);
    assertEquals(Optional.of(callId), CallIds.fromSipCallId(sipCallId));
    assertEquals(Optional.of(callId), CallIds.fromSipCallId(CallIds.sipCallIdFor(callId, 2)));
    assertTrue(CallIds.isOurs(sipCallId));
  }

  @Test
  void transferLegsOfInboundCallsRouteBackToTheCall() {
    String callId = CallIds.forInbound("abc@pbx", "tag1");
    String leg = CallIds.sipCallIdFor(callId, 1);
    assertEquals(Optional.of(callId), CallIds.fromSipCallId(leg));
  }

  @Test
  void callIdsWithBytesWeNeverGenerateAreNotCallIds() {
    // ids become persistence ids: a NUL or other byte the journal refuses must never reach one
    for (String bad : List.of("o-\u0000@rtc2sip", "o-1\u0000x@rtc2sip", "i-ab\u00ffcd@rtc2sip",
        "o-a b@rtc2sip", "o-" + "1".repeat(65) + "@rtc2sip", "o-;x@rtc2sip", "o-1\n@rtc2sip")) {
      assertEquals(Optional.empty(), CallIds.fromSipCallId(bad), bad);
    }
    for (String bad : List.of("", "o-", "o-\u0000", "x-1", "o-1/2", "i-é", "o-" + "1".repeat(65))) {
      assertFalse(CallIds.isWellFormed(bad), bad);
    }
    assertTrue(CallIds.isWellFormed(CallIds.newOutbound()));
    assertTrue(CallIds.isWellFormed(CallIds.forInbound("abc@pbx", "t")));
    assertTrue(CallIds.isWellFormed("o-1"));
  }

  @Test
  void foreignCallIdsAreNotOurs() {
    assertFalse(CallIds.isOurs("a84b4c76e66710@pc33.atlanta.com"));
    assertFalse(CallIds.isOurs("x-1@rtc2sip"));
    assertFalse(CallIds.isOurs(null));
    assertThrows(IllegalArgumentException.class, () -> CallIds.forInbound("", "t"));
    assertThrows(IllegalArgumentException.class, () -> CallIds.sipCallIdFor("a@b"));
  }

  @Test
  void localTagsAreStablePerLegAndDiffer() {
    assertEquals(CallIds.localTagFor("o-1", 1), CallIds.localTagFor("o-1", 1));
    assertNotEquals(CallIds.localTagFor("o-1", 1), CallIds.localTagFor("o-1", 2));
    assertEquals(16, CallIds.localTagFor("o-1", 1).length());
  }

  @Test
  void aConferencePartyHasALegKeyThatNamesItsCallAndItsNumber() {
    String callId = CallIds.newOutbound();
    String key = CallIds.partyLeg(callId, 3);
    assertEquals(callId + "/3", key);
    assertEquals(callId, CallIds.callOfLeg(key));
    assertEquals(3, CallIds.partyOfLeg(key));
    // the call's own leg is the call id itself
    assertEquals(callId, CallIds.callOfLeg(callId));
    assertEquals(0, CallIds.partyOfLeg(callId));
    assertThrows(IllegalArgumentException.class, () -> CallIds.partyLeg(callId, 0));
    assertThrows(IllegalArgumentException.class, () -> CallIds.partyLeg(key, 2));
  }

  @Test
  void theLegNumberOfOurSipCallIdsIsReadBack() {
    String callId = CallIds.newOutbound();
    assertEquals(Optional.of(1), CallIds.legOfSipCallId(CallIds.sipCallIdFor(callId)));
    assertEquals(Optional.of(4), CallIds.legOfSipCallId(CallIds.sipCallIdFor(callId, 4)));
    assertEquals(Optional.empty(), CallIds.legOfSipCallId("a84b4c76e66710@pc33.atlanta.com"));
    assertEquals(Optional.empty(), CallIds.legOfSipCallId(null));
    // digits from outside beyond any leg of ours: not one of our dialogs, never an overflow
    assertEquals(Optional.empty(),
        CallIds.legOfSipCallId(callId + ".99999999999999999999@rtc2sip"));
  }

  @Test
  void aDialogThatTookACallOverNamesTheCallByOurTag() {
    String callId = CallIds.forInbound("abc@pbx", "tag1");
    String tag = CallIds.replacingTagFor(callId, "k3x9");
    assertEquals(Optional.of(callId), CallIds.fromReplacingTag(tag));
    // tags we make otherwise, and a peer's, name no call
    assertTrue(CallIds.fromReplacingTag(CallIds.localTagFor(callId, 0)).isEmpty());
    for (String other : List.of("1928301774", "x.x1", "o-1.x", "o-1.xK", "bad id.x1", ".x1")) {
      assertTrue(CallIds.fromReplacingTag(other).isEmpty(), other);
    }
    assertThrows(IllegalArgumentException.class, () -> CallIds.replacingTagFor("o-1", "A;b"));
  }

  @Test
  void aReplacesFindsItsCallWhoeverStartedTheDialog() {
    String outbound = CallIds.newOutbound();
    // a dialog we started: its Call-ID names the call, whatever the tags
    assertEquals(outbound, CallIds.forReplaced(CallIds.sipCallIdFor(outbound), "ours", "theirs"));
    // a dialog the peer started: its Call-ID and its tag (the from-tag, seen from us)
    assertEquals(CallIds.forInbound("abc@pbx", "tag1"),
        CallIds.forReplaced("abc@pbx", "our-tag", "tag1"));
    // a dialog that took a call over: our tag (the to-tag) names the call
    String inbound = CallIds.forInbound("abc@pbx", "tag1");
    assertEquals(inbound, CallIds.forReplaced("new@pbx",
        CallIds.replacingTagFor(inbound, "a1"), "carol-tag"));
  }
}
