package io.rtc2sip.tests.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fuzz inputs are reproducible from their seed, and their generators never fail. */
class FuzzInputsTest {
  @Test
  void sipMutationsAreDeterministicAndAlwaysMade() {
    // the full run's seeds (13, eight sources) and count; its addresses and ports differ
    int withSdp = 0;
    for (int source = 0; source < 8; source++) {
      SipMutator a = new SipMutator(1300 + source, "127.0.0.1:5060", "127.0.0.20:40000");
      SipMutator b = new SipMutator(1300 + source, "127.0.0.1:5060", "127.0.0.20:40000");
      withSdp += sipFrom(a, b, source);
    }
    assertTrue(withSdp > 10_000, "datagrams with SDP: " + withSdp);
  }

  private static int sipFrom(SipMutator a, SipMutator b, int source) {
    int withSdp = 0;
    for (int n = source; n < 100_000; n += 8) {
      byte[] x = a.next(n);
      assertArrayEquals(x, b.next(n), "datagram " + n);
      if (new String(x, java.nio.charset.StandardCharsets.ISO_8859_1).contains("m=audio")) {
        withSdp++;
      }
    }
    return withSdp;
  }

  @Test
  void signalingAndMediaInputsAreDeterministic() {
    SignalingMessages a = new SignalingMessages(5);
    SignalingMessages b = new SignalingMessages(5);
    MediaNoise x = new MediaNoise(5);
    MediaNoise y = new MediaNoise(5);
    for (int n = 0; n < 20_000; n++) {
      assertEquals(a.next(n), b.next(n));
      assertArrayEquals(x.next(n), y.next(n));
    }
  }
}
