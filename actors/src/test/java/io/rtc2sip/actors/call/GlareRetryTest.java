package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.model.SipDialog;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GlareRetryTest {

  private static final double ALMOST_ONE = Math.nextDown(1.0);

  @Test
  void theOwnerOfTheCallIdWaitsFrom2100To4000Ms() {
    GlareRetry owner = new GlareRetry(true);
    assertEquals(Duration.ofMillis(2100), owner.delay(0));
    assertEquals(Duration.ofMillis(3050), owner.delay(0.5));
    assertEquals(Duration.ofMillis(3999), owner.delay(ALMOST_ONE));
  }

  @Test
  void theOtherSideWaitsUpTo2000Ms() {
    GlareRetry other = new GlareRetry(false);
    assertEquals(Duration.ZERO, other.delay(0));
    assertEquals(Duration.ofMillis(1000), other.delay(0.5));
    assertEquals(Duration.ofMillis(1999), other.delay(ALMOST_ONE));
  }

  @Test
  void aRandomNumberOutsideZeroToOneIsABug() {
    assertThrows(IllegalArgumentException.class, () -> new GlareRetry(true).delay(1.0));
    assertThrows(IllegalArgumentException.class, () -> new GlareRetry(true).delay(-0.1));
  }

  @Test
  void whoOwnsTheCallIdComesFromTheDialog() {
    String callId = "o-test-glare";
    SipDialog ours = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:alice@gw.example", "sip:bob@pbx.example");
    assertTrue(GlareRetry.in(ours).ownsCallId());
    SipDialog theirs = CallFixture.inboundDialog("i-test-glare");
    assertFalse(GlareRetry.in(theirs).ownsCallId());
  }
}
