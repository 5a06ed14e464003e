package io.rtc2sip.agora;

import static io.rtc2sip.testkit.Until.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.rtc.RtcAudio;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The legs on their real threads, with SDK callbacks arriving on other threads. */
class AgoraRtcLegsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final FakeConnectionFactory sdk = new FakeConnectionFactory();
  private final AgoraRtcLegs legs = AgoraRtcLegs.start(TestSettings.agora(), s -> sdk);

  @AfterEach
  void stop() {
    legs.close();
  }

  private static void onSdkThread(Runnable callbacks) throws InterruptedException {
    Thread t = new Thread(callbacks, "sdk-callback");
    t.start();
    t.join(PATIENCE.toMillis());
  }

  private static short[] frame(int n) {
    short[] f = new short[Pcm16.FRAME_SAMPLES];
    Arrays.fill(f, (short) n);
    return f;
  }

  @Test
  void onlyTheLegsOwnThreadCallsTheSdk() throws Exception {
    CountDownLatch left = new CountDownLatch(1);
    RtcAudio audio = legs.join("c-7", new RtcLeg("room", "alice"), left::countDown);
    until(PATIENCE, () -> !sdk.created.isEmpty(), "the connection");
    FakeConnection conn = sdk.last();
    conn.confirm = FakeConnection.Confirm.FROM_SDK_THREAD;
    byte[] pcm = new byte[Pcm16.FRAME_BYTES];
    Pcm16.toLittleEndian(frame(9), pcm);
    onSdkThread(() -> {
      conn.events.connected(1);
      conn.events.tokenWillExpire();
      conn.events.audioFrame("alice", pcm, 48_000, 1);
    });
    short[] got = new short[Pcm16.FRAME_SAMPLES];
    assertTrue(audio.poll(got), "received audio is queued by the callback itself");
    assertArrayEquals(frame(9), got);

    until(PATIENCE, () -> conn.count("renewToken") == 1, "the renewal");
    for (int i = 0; i < 20; i++) {
      audio.publish(frame(i));
    }
    until(PATIENCE, () -> conn.pushed().size() >= 5, "pushed frames");

    Thread[] closers = new Thread[2];
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < closers.length; i++) {
      closers[i] = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        audio.close();
      }, "closer-" + i);
      closers[i].start();
    }
    go.countDown();
    for (Thread t : closers) {
      t.join(PATIENCE.toMillis());
    }
    until(PATIENCE, () -> legs.openLegs() == 0, "the teardown");
    List<String> calls = conn.calls();
    assertEquals(List.of("unsubscribeAllAudio", "disconnect", "destroy"),
        calls.subList(calls.size() - 3, calls.size()), "in order and once");
    assertEquals(1, conn.count("destroy"));
    assertEquals(Set.of("rtc2sip-agora-c-7"), conn.threads());
    assertEquals(1, left.getCount(), "the call closed the leg: no peer-left report");
  }

  @Test
  void theRtcUserLeavingIsReported() throws Exception {
    CountDownLatch left = new CountDownLatch(1);
    legs.join("c-8", new RtcLeg("room", "bob"), left::countDown);
    until(PATIENCE, () -> !sdk.created.isEmpty(), "the connection");
    FakeConnection conn = sdk.last();
    onSdkThread(() -> {
      conn.events.connected(1);
      conn.events.userLeft("bob", AgoraEvents.USER_QUIT);
    });
    assertTrue(left.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Test
  void closingTheNetworkTearsDownEveryLegBeforeTheSdk() throws Exception {
    legs.join("c-1", new RtcLeg("room-1", "alice"), () -> { });
    legs.join("c-2", new RtcLeg("room-2", "bob"), () -> { });
    until(PATIENCE, () -> sdk.created.size() == 2, "two connections");
    legs.close();
    for (FakeConnection c : sdk.created) {
      assertEquals(1, c.count("destroy"));
    }
    assertTrue(sdk.closed);
    assertEquals(0, legs.openLegs());
    assertNull(legs.join("c-3", new RtcLeg("room-3", "carol"), () -> { }),
        "no legs once shut down");
  }

  @Test
  void aMissingCertificateStopsTheStartBeforeTheSdk() {
    AgoraSettings s = TestSettings.agora();
    AgoraSettings noCertificate = new AgoraSettings(s.appId(), "", s.stringUids(),
        s.tokenExpiry(), s.headStartFrames(), s.receiveQueueFrames(), s.reconnectGrace(),
        s.reconnectAttempts(), s.reconnectBackoff(), s.reconnectBackoffMax(),
        s.disconnectTimeout(), s.destroyDelay(), s.logDir());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgoraRtcLegs.start(noCertificate, x -> {
          throw new AssertionError("the SDK must not start");
        }));
    assertTrue(e.getMessage().contains("RTC2SIP_AGORA_APP_CERTIFICATE"), e.getMessage());
  }

  @Test
  void botUidsAreStablePerCall() {
    assertEquals("gw-o-1", AgoraRtcLegs.botUid("o-1", true));
    String numeric = AgoraRtcLegs.botUid("o-1", false);
    assertEquals(numeric, AgoraRtcLegs.botUid("o-1", false));
    assertNotEquals(numeric, AgoraRtcLegs.botUid("o-2", false));
    long value = AgoraTokens.numericUid(numeric);
    assertTrue(value >= 0x8000_0000L && value <= 0xFFFF_FFFFL, numeric);
    assertNotNull(legs.tokens().issue("room", numeric));
  }
}
