package io.rtc2sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rtc2sip.media.RtpLatch.Verdict;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Where a call's RTP goes, and which packets it takes: the latching rule on its own. */
class RtpLatchTest {
  private static final long MS = 1_000_000L;
  private static final InetSocketAddress SDP = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress NAT = new InetSocketAddress("127.0.0.1", 51234);
  private static final InetSocketAddress ATTACKER = new InetSocketAddress("127.0.0.9", 40000);

  private final RtpLatch symmetric = new RtpLatch(true, 2000 * MS);
  private final RtpLatch strict = new RtpLatch(false, 2000 * MS);

  static byte[] rtp(int payloadType) {
    byte[] p = new byte[172];
    p[0] = (byte) 0x80;
    p[1] = (byte) payloadType;
    return p;
  }

  private static Verdict check(RtpLatch latch, byte[] packet, InetSocketAddress from, long ms) {
    return latch.check(packet, packet.length, from, ms * MS);
  }

  @Test
  void beforeAnyPacketRtpGoesToTheSdpAddress() {
    symmetric.expect(SDP, 0, 101, 0);
    assertEquals(SDP, symmetric.destination());
  }

  @Test
  void theFirstValidPacketFromAnotherSourceLatchesWithinTheWindowAndLocksIt() {
    symmetric.expect(SDP, 0, 101, 0);
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(0), NAT, 40));
    assertEquals(NAT, symmetric.destination());
    assertEquals(Verdict.ACCEPTED, check(symmetric, rtp(0), NAT, 60));
    assertEquals(Verdict.FOREIGN_SOURCE, check(symmetric, rtp(0), ATTACKER, 80));
    assertEquals(NAT, symmetric.destination(), "a later source never moves the destination");
  }

  @Test
  void aPacketFromTheSdpAddressLocksTheLatchThere() {
    symmetric.expect(SDP, 0, 101, 0);
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(0), SDP, 10));
    assertEquals(Verdict.FOREIGN_SOURCE, check(symmetric, rtp(0), ATTACKER, 20));
    assertEquals(SDP, symmetric.destination());
  }

  @Test
  void afterTheWindowOnlyTheSdpAddressMaySend() {
    symmetric.expect(SDP, 8, 101, 0);
    assertEquals(Verdict.FOREIGN_SOURCE, check(symmetric, rtp(8), NAT, 2001));
    assertEquals(SDP, symmetric.destination());
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(8), SDP, 2002));
  }

  @Test
  void theSdpAddressTakesTheDestinationBackFromALatchedSource() {
    symmetric.expect(SDP, 0, 101, 0);
    check(symmetric, rtp(0), NAT, 10);
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(0), SDP, 3000));
    assertEquals(SDP, symmetric.destination());
    assertEquals(Verdict.FOREIGN_SOURCE, check(symmetric, rtp(0), NAT, 3001));
  }

  @Test
  void onlyValidRtpOfTheNegotiatedPayloadTypesLatches() {
    symmetric.expect(SDP, 0, 101, 0);
    byte[] version1 = rtp(0);
    version1[0] = 0x40;
    assertEquals(Verdict.MALFORMED, check(symmetric, version1, NAT, 1));
    assertEquals(Verdict.MALFORMED, symmetric.check(rtp(0), 8, NAT, 1), "shorter than a header");
    byte[] csrcOverrun = rtp(0);
    csrcOverrun[0] = (byte) 0x8F;
    assertEquals(Verdict.MALFORMED, symmetric.check(csrcOverrun, 20, NAT, 1));
    assertEquals(Verdict.PAYLOAD_TYPE, check(symmetric, rtp(8), NAT, 2));
    assertEquals(Verdict.PAYLOAD_TYPE, check(symmetric, rtp(13), NAT, 3));
    assertEquals(SDP, symmetric.destination(), "nothing latched");
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(101), NAT, 4), "telephone-event");
  }

  @Test
  void withoutTelephoneEventsOnlyTheCodecsPayloadTypeIsTaken() {
    symmetric.expect(SDP, 8, -1, 0);
    assertEquals(Verdict.PAYLOAD_TYPE, check(symmetric, rtp(101), SDP, 1));
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(8), SDP, 2));
  }

  @Test
  void anotherRemoteInTheSdpOpensANewWindow() {
    symmetric.expect(SDP, 0, 101, 0);
    check(symmetric, rtp(0), SDP, 10);
    InetSocketAddress moved = new InetSocketAddress("127.0.0.2", 40002);
    symmetric.expect(moved, 0, 101, 5000 * MS);
    assertEquals(moved, symmetric.destination());
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(0), NAT, 5100));
    assertEquals(NAT, symmetric.destination());
  }

  @Test
  void theSameRemoteDescribedAgainKeepsTheLatch() {
    symmetric.expect(SDP, 0, 101, 0);
    check(symmetric, rtp(0), NAT, 10);
    symmetric.expect(SDP, 0, 101, 5000 * MS); // a re-INVITE that keeps the address (hold, resume)
    assertEquals(NAT, symmetric.destination());
    assertEquals(Verdict.FOREIGN_SOURCE, check(symmetric, rtp(0), ATTACKER, 5001));
  }

  @Test
  void withSymmetricLatchingOffOnlyTheSdpAddressIsHeardAndSentTo() {
    strict.expect(SDP, 0, 101, 0);
    assertEquals(Verdict.FOREIGN_SOURCE, check(strict, rtp(0), NAT, 1));
    assertEquals(SDP, strict.destination());
    assertEquals(Verdict.LATCHED, check(strict, rtp(0), SDP, 2));
    assertEquals(Verdict.ACCEPTED, check(strict, rtp(0), SDP, 3));
  }

  @Test
  void withNoSdpAddressNothingIsSentAndTheFirstSourceLatchesInTheWindow() {
    symmetric.expect(null, 0, 101, 0);
    assertNull(symmetric.destination());
    assertEquals(Verdict.LATCHED, check(symmetric, rtp(0), NAT, 1));
    assertEquals(NAT, symmetric.destination());
  }
}
