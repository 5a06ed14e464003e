package io.rtc2sip.actors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OnHoldTest {

  @Test
  void eachSideHoldsAndResumesOnItsOwn() {
    assertEquals(OnHold.LOCAL, OnHold.NONE.with(HoldSide.RTC));
    assertEquals(OnHold.REMOTE, OnHold.NONE.with(HoldSide.SIP));
    assertEquals(OnHold.BOTH, OnHold.LOCAL.with(HoldSide.SIP));
    assertEquals(OnHold.BOTH, OnHold.REMOTE.with(HoldSide.RTC));
    assertEquals(OnHold.LOCAL, OnHold.LOCAL.with(HoldSide.RTC));
    assertEquals(OnHold.REMOTE, OnHold.BOTH.without(HoldSide.RTC));
    assertEquals(OnHold.LOCAL, OnHold.BOTH.without(HoldSide.SIP));
    assertEquals(OnHold.NONE, OnHold.LOCAL.without(HoldSide.RTC));
    assertEquals(OnHold.REMOTE, OnHold.REMOTE.without(HoldSide.RTC));
  }

  @Test
  void theValueIsTheTwoSidesAndTheirDirection() {
    for (boolean local : new boolean[] {false, true}) {
      for (boolean remote : new boolean[] {false, true}) {
        OnHold hold = OnHold.of(local, remote);
        assertEquals(local, hold.local());
        assertEquals(remote, hold.remote());
        assertEquals(local, hold.by(HoldSide.RTC));
        assertEquals(remote, hold.by(HoldSide.SIP));
      }
    }
    assertEquals(SdpDirection.SENDRECV, OnHold.NONE.direction());
    assertEquals(SdpDirection.SENDONLY, OnHold.LOCAL.direction());
    assertEquals(SdpDirection.RECVONLY, OnHold.REMOTE.direction());
    assertEquals(SdpDirection.INACTIVE, OnHold.BOTH.direction());
  }
}
