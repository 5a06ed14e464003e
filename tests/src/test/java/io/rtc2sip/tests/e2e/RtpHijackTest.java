package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.TestNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second source injects RTP into a running SIP call (real sipp as the phone, through a real
 * node): a raw UDP socket on another loopback address sprays valid RTP of both G.711 payload
 * types at every port of the node's RTP range, as an attacker who does not know the call's
 * random port would. The call's audio keeps going to the phone (sipp echoes it back, and the
 * client hears its own tone), nothing goes to the injector, and the injection is counted.
 */
class RtpHijackTest {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void rtpInjectedFromAnotherAddressIsDroppedCountedAndNeverTakesTheCallsAudio() throws Exception {
    try (SignalingCallsTest.Phone bob = new SignalingCallsTest.Phone("bob", node.signalingPort);
        Sipp echo = Sipp.builtinUas("uas", "-rtp_echo")) {
      JsonNode placed = bob.request("{\"type\":\"call\",\"to\":\"sip:echo@127.0.0.1:"
          + echo.port + "\"}");
      String callId = placed.get("callId").asText();
      bob.await("answered");
      try (LoopbackRtcClient audio = LoopbackRtcClient.join(
          new InetSocketAddress("127.0.0.1", node.rtcPort), placed.get("channel").asText(), "bob");
          DatagramSocket injector = new DatagramSocket(new InetSocketAddress("127.0.0.9", 0))) {
        AtomicBoolean talking = new AtomicBoolean(true);
        Thread speaker = Tones.play(audio, 1000, talking);
        AtomicInteger injected = new AtomicInteger();
        AtomicInteger toInjector = new AtomicInteger();
        Thread spray = null;
        try {
          double before = Tones.share(Tones.loudest(Tones.collect(audio, 100), 40), 1000);
          assertTrue(before > 0.8, "1 kHz echoed through SIP before the injection: " + before);

          AtomicBoolean spraying = new AtomicBoolean(true);
          spray = new Thread(() -> spray(injector, spraying, injected, toInjector), "rtp-spray");
          spray.start();
          double during = Tones.share(Tones.loudest(Tones.collect(audio, 200), 60), 1000);
          spraying.set(false);
          spray.join();
          assertEquals(0, toInjector.get(), "RTP packets the node sent to the injector");
          assertTrue(during > 0.8, "1 kHz echoed through SIP during the injection: " + during);
          assertTrue(injected.get() > 1000, "packets injected: " + injected.get());
          // every port of the range got as many packets; the call's port counted them: those
          // of its payload type as foreign-source, the others as payload-type
          String metrics = NodeMetrics.get(node.node.system()).scrape();
          double foreign = refused(metrics, "foreign-source");
          double refused = foreign + refused(metrics, "payload-type");
          int perPort = injected.get() / 40;
          assertTrue(refused >= perPort && foreign >= perPort / 2 - 1, "refused " + refused
              + " (foreign-source " + foreign + ") of " + perPort + " sent to the call's port");
        } finally {
          talking.set(false);
          speaker.join();
        }
      }
      bob.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      bob.await("ended");
    }
  }

  /** Valid RTP, PCMU and PCMA in turn, to every port of the range, every 10 ms. */
  private static void spray(DatagramSocket injector, AtomicBoolean on, AtomicInteger injected,
      AtomicInteger received) {
    byte[] p = new byte[172];
    byte[] in = new byte[1500];
    DatagramPacket reply = new DatagramPacket(in, in.length);
    try {
      injector.setSoTimeout(1);
      for (int seq = 0; on.get(); seq++) {
        p[0] = (byte) 0x80;
        p[1] = (byte) (seq % 2 == 0 ? 0 : 8);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        int ts = seq * 160;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[11] = 0x42;
        for (int port = node.rtpMin; port < node.rtpMin + 40; port++) {
          injector.send(new DatagramPacket(p, p.length,
              new InetSocketAddress("127.0.0.1", port)));
          injected.incrementAndGet();
        }
        long until = System.nanoTime() + 10_000_000L;
        while (System.nanoTime() < until) {
          try {
            injector.receive(reply);
            received.incrementAndGet();
          } catch (SocketTimeoutException nothing) {
            // nothing came back
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double refused(String metrics, String reason) {
    return metrics.lines()
        .filter(l -> l.startsWith("rtc2sip_rtp_packets_refused_total{")
            && l.contains("reason=\"" + reason + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
