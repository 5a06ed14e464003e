package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  /**
   * Tests start several sipp at once (one per concurrent call): ports chosen at the same time
   * on several threads must never clash, neither while they are chosen (a probe of one thread
   * binding the port another thread just chose) nor with each other: no port is handed out again
   * while it is among the last {@link Sipp#RECENT_PORTS} handed out.
   */
  @Test
  void portsChosenOnSeveralThreadsAtOnceAreDistinct() throws Exception {
    int threads = 8;
    int rounds = Sipp.RECENT_PORTS / 5 / threads;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Sipp.Ports>>> chosen = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        chosen.add(pool.submit(() -> {
          List<Sipp.Ports> mine = new ArrayList<>();
          for (int i = 0; i < rounds; i++) {
            mine.add(Sipp.freePorts());
          }
          return mine;
        }));
      }
      Set<Integer> seen = new HashSet<>();
      int duplicates = 0;
      for (Future<List<Sipp.Ports>> f : chosen) {
        for (Sipp.Ports ports : f.get(120, TimeUnit.SECONDS)) {
          duplicates += seen.add(ports.sip()) ? 0 : 1;
          for (int p = ports.media(); p < ports.media() + 4; p++) {
            duplicates += seen.add(p) ? 0 : 1;
          }
        }
      }
      assertEquals(0, duplicates, "ports handed out twice");
    } finally {
      pool.shutdownNow();
    }
  }
}
