package io.rtc2sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Port pairs of a range on real sockets: random, never twice while in use, all back after. */
class RtpPortsTest {
  private static final int BASE = 33000 + (int) (ProcessHandle.current().pid() % 50) * 40;

  @Test
  void everyPairIsHandedOutOnceWhileInUseAndAllAgainAfterRelease() {
    RtpPorts ports = new RtpPorts("127.0.0.1", BASE, BASE + 19, new Random(7));
    for (int round = 0; round < 3; round++) {
      List<RtpPorts.Pair> pairs = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        RtpPorts.Pair p = ports.allocate().orElseThrow(() -> new AssertionError("range full"));
        int port = p.rtpAddress().getPort();
        assertTrue(port % 2 == 0 && port >= BASE && port + 1 <= BASE + 19, "port " + port);
        assertTrue(seen.add(port), "port " + port + " handed out twice");
        pairs.add(p);
      }
      assertEquals(Optional.empty(), ports.allocate(), "a full range hands out nothing");
      assertEquals(20, ports.inUse());
      pairs.forEach(RtpPorts.Pair::close);
      assertEquals(0, ports.inUse(), "round " + round);
    }
  }

  @Test
  void portsAreChosenAtRandomNotInSequence() {
    RtpPorts ports = new RtpPorts("127.0.0.1", BASE, BASE + 1999);
    List<Integer> handedOut = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      RtpPorts.Pair p = ports.allocate().orElseThrow();
      handedOut.add(p.rtpAddress().getPort());
      p.close();
    }
    int steps = 0;
    for (int i = 1; i < handedOut.size(); i++) {
      int d = handedOut.get(i) - handedOut.get(i - 1);
      if (d == 2 || d == 0) {
        steps++;
      }
    }
    assertTrue(steps < 3, "ports in sequence or reused at once: " + handedOut);
    assertTrue(new HashSet<>(handedOut).size() > 15, "spread over the range: " + handedOut);
  }

  @Test
  void aPortAnotherSocketHoldsIsSkipped() throws Exception {
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", BASE + 21))) {
      RtpPorts ports = new RtpPorts("127.0.0.1", BASE + 20, BASE + 23);
      RtpPorts.Pair p = ports.allocate().orElseThrow();
      assertEquals(BASE + 22, p.rtpAddress().getPort(), "the pair whose RTCP port is free");
      assertEquals(Optional.empty(), ports.allocate());
      p.close();
    }
  }

  @Test
  void singleSocketsAreHandedOutOnceAndReusableAfterClose() {
    RtpPorts ports = new RtpPorts("127.0.0.1", BASE + 24, BASE + 33, new Random(3));
    List<DatagramChannel> held = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      DatagramChannel c = ports.allocateOne().orElseThrow();
      assertTrue(seen.add(c.socket().getLocalPort()), "handed out twice");
      held.add(c);
    }
    assertEquals(Optional.empty(), ports.allocateOne());
    assertEquals(10, ports.inUse());
    held.forEach(RtpPorts::closeQuietly);
    assertEquals(0, ports.inUse());
    DatagramChannel again = ports.allocateOne().orElseThrow();
    RtpPorts.closeQuietly(again);
  }
}
