package io.rtc2sip.rtc.loopback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.rtc.RtcAudio;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loopback RTC network over real UDP on 127.0.0.1. */
class LoopbackRtcNetworkTest {
  private LoopbackRtcNetwork network;

  @BeforeEach
  void start() throws Exception {
    network = LoopbackRtcNetwork.start("127.0.0.1", 0, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    network.close();
  }

  private static short[] frame(int seed) {
    short[] f = new short[LoopbackRtcClient.FRAME_SAMPLES];
    for (int i = 0; i < f.length; i++) {
      f[i] = (short) (seed * 31 + i * 7 - 1000);
    }
    return f;
  }

  @Test
  void framesGoBothWaysBitExactAndInOrder() throws Exception {
    CountDownLatch left = new CountDownLatch(1);
    RtcAudio bot = network.join("o-1", new RtcLeg("room", "alice"), left::countDown);
    try (LoopbackRtcClient alice = LoopbackRtcClient.join(network.address(), "room", "alice")) {
      short[] got = new short[LoopbackRtcClient.FRAME_SAMPLES];
      for (int i = 0; i < 5; i++) {
        alice.send(frame(i));
      }
      for (int i = 0; i < 5; i++) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!bot.poll(got) && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertArrayEquals(frame(i), got, "frame " + i);
      }
      for (int i = 10; i < 13; i++) {
        bot.publish(frame(i));
      }
      for (int i = 10; i < 13; i++) {
        short[] f = alice.receive(2000);
        assertNotNull(f, "frame " + i);
        assertArrayEquals(frame(i), f);
      }
    }
    assertTrue(left.await(2, TimeUnit.SECONDS), "leaving the channel is reported to the call");
  }

  @Test
  void malformedDatagramsAreCountedAndIgnored() throws Exception {
    RtcAudio bot = network.join("o-2", new RtcLeg("room2", "bob"), () -> { });
    try (DatagramSocket raw = new DatagramSocket()) {
      byte[] junk = "hello, this is not R2L1".getBytes();
      for (int i = 0; i < 100; i++) {
        raw.send(new DatagramPacket(junk, junk.length, network.address()));
      }
    }
    try (LoopbackRtcClient bob = LoopbackRtcClient.join(network.address(), "room2", "bob")) {
      bob.send(frame(1));
      short[] got = new short[LoopbackRtcClient.FRAME_SAMPLES];
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (!bot.poll(got) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertArrayEquals(frame(1), got);
    }
    assertEquals(100, network.malformed());
  }

  @Test
  void aSilentClientTimesOutOfTheChannel() throws Exception {
    CountDownLatch left = new CountDownLatch(1);
    network.join("o-3", new RtcLeg("room3", "carol"), left::countDown);
    try (DatagramSocket raw = new DatagramSocket()) {
      var b = Wire.encode(java.nio.ByteBuffer.allocate(Wire.MAX), Wire.JOIN, "room3", "carol", 0,
          null);
      raw.send(new DatagramPacket(b.array(), b.limit(), network.address()));
      assertTrue(left.await(5, TimeUnit.SECONDS), "no keepalive for the peer timeout");
    }
  }
}
