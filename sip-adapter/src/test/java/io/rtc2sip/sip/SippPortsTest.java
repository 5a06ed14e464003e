package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ports handed to sipp must all be bindable, or sipp exits before its first message. */
class SippPortsTest {

  @Test
  void mediaPortsAreAnEvenBlockOfFourFreeUdpPorts() throws Exception {
    List<DatagramSocket> busy = new ArrayList<>();
    try {
      // keep many ports taken meanwhile, as a node's RTP range and other peers do in the tests
      for (int i = 0; i < 200; i++) {
        busy.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
      }
      for (int round = 0; round < 200; round++) {
        int base = Sipp.freeMediaPorts();
        assertEquals(0, base % 2, "sipp's audio port is even");
        for (int p = base; p < base + 4; p++) {
          // sipp binds base (audio) and base + 2 (video); RTCP sits one above each
          try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", p))) {
            assertEquals(p, s.getLocalPort());
          }
        }
      }
    } finally {
      for (DatagramSocket s : busy) {
        s.close();
      }
    }
  }

  @Test
  void theMediaBlockNeverHoldsTheSipPort() throws Exception {
    for (int round = 0; round < 2000; round++) {
      Sipp.Ports ports = Sipp.freePorts();
      assertFalse(ports.sip() >= ports.media() && ports.sip() < ports.media() + 4,
          "SIP port " + ports.sip() + " inside the media block from " + ports.media());
    }
  }
}
