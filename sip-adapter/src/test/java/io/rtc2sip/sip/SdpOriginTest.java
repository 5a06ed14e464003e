package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.SdpDirection;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The o= line of our SDP in one call (RFC 3264 8): every later offer or answer keeps the session
 * id and has a higher version, also when it comes from the node that took the call over (whose
 * leg is new) after the first node sent several.
 */
class SdpOriginTest {
  private static final Pattern ORIGIN = Pattern.compile("o=rtc2sip (\\d+) (\\d+) IN IP4 ");
  private static final InetSocketAddress FIRST = new InetSocketAddress("127.0.0.1", 30000);
  private static final InetSocketAddress SURVIVOR = new InetSocketAddress("127.0.0.1", 32000);

  @Test
  void theSessionIdStaysAndTheVersionGrowsAcrossNodes() {
    // the first node took the call at second 1,000 of its clock; the survivor re-anchors at 1,005
    SipLeg first = new SipLeg("o-6f1c2a90-1b2c-4d5e-8f90-123456789abc", new AtomicInteger(),
        () -> 1_000);
    long[] offer = origin(Sdp.offer(FIRST, first.nextSdpOrigin(), SdpDirection.SENDRECV));
    long[] hold = origin(Sdp.answer(FIRST, first.nextSdpOrigin(), NegotiatedMedia.pcma(),
        SdpDirection.SENDONLY));
    long[] resume = origin(Sdp.answer(FIRST, first.nextSdpOrigin(), NegotiatedMedia.pcma(),
        SdpDirection.SENDRECV));
    SipLeg survivor = new SipLeg(first.callId, new AtomicInteger(), () -> 1_005);
    long[] reanchor = origin(Sdp.answer(SURVIVOR, survivor.nextSdpOrigin(),
        NegotiatedMedia.pcma(), SdpDirection.SENDRECV));

    assertEquals(offer[0], hold[0], "session id of the hold re-INVITE");
    assertEquals(offer[0], resume[0], "session id of the resume re-INVITE");
    assertEquals(offer[0], reanchor[0], "session id of the survivor's re-INVITE");
    assertEquals(offer[1] + 1, hold[1]);
    assertEquals(hold[1] + 1, resume[1]);
    assertTrue(reanchor[1] > resume[1], "the survivor's version is above the first node's");
  }

  @Test
  void anotherCallHasAnotherSessionId() {
    SipLeg one = new SipLeg("o-6f1c2a90-1b2c-4d5e-8f90-123456789abc", new AtomicInteger());
    SipLeg other = new SipLeg("o-00000000-1b2c-4d5e-8f90-123456789abc", new AtomicInteger());
    assertTrue(origin(Sdp.offer(FIRST, one.nextSdpOrigin(), SdpDirection.SENDRECV))[0]
        != origin(Sdp.offer(FIRST, other.nextSdpOrigin(), SdpDirection.SENDRECV))[0]);
  }

  private static long[] origin(String sdp) {
    Matcher m = ORIGIN.matcher(sdp);
    assertTrue(m.find(), sdp);
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }
}
