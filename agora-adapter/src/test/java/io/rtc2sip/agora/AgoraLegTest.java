package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agora.media.AccessToken2;
import io.rtc2sip.actors.model.RtcLeg;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The leg's policies on virtual time against a fake SDK connection. */
class AgoraLegTest {
  private static final Duration TICK = Duration.ofMillis(10);
  private static final List<String> JOIN =
      List.of("subscribeAudio alice", "connect room gw-c-1", "publishAudio");
  private static final List<String> TEARDOWN =
      List.of("unsubscribeAllAudio", "disconnect", "destroy");

  private final ManualScheduler clock = new ManualScheduler();
  private final FakeConnectionFactory sdk = new FakeConnectionFactory();
  private final AtomicInteger peerLeft = new AtomicInteger();
  private AgoraSettings settings = TestSettings.agora();
  private AgoraLeg leg;

  private FakeConnection start(String uid) {
    String bot = AgoraRtcLegs.botUid("c-1", settings.stringUids());
    leg = new AgoraLeg("c-1", new RtcLeg("room", uid), bot, peerLeft::incrementAndGet,
        settings, AgoraTokens.of(settings), sdk, clock);
    leg.start();
    assertTrue(sdk.created.isEmpty(), "join() only hands the work to the leg's thread");
    clock.runPending();
    return sdk.created.isEmpty() ? null : sdk.last();
  }

  private FakeConnection connected() {
    FakeConnection c = start("alice");
    c.events.connected(1);
    clock.runPending();
    return c;
  }

  private static short[] frame(int n) {
    short[] f = new short[Pcm16.FRAME_SAMPLES];
    Arrays.fill(f, (short) n);
    return f;
  }

  private static byte[] bytes(short[] f) {
    byte[] b = new byte[2 * f.length];
    Pcm16.toLittleEndian(f, b);
    return b;
  }

  private static List<Integer> frameNumbers(List<byte[]> pushed) {
    return pushed.stream().map(b -> (int) (short) ((b[0] & 0xFF) | (b[1] << 8))).toList();
  }

  private static AccessToken2.ServiceRtc rtcOf(String token) {
    AccessToken2 t = new AccessToken2();
    assertTrue(t.parse(token), "a parsable AccessToken2");
    return (AccessToken2.ServiceRtc) t.services.get(AccessToken2.SERVICE_TYPE_RTC);
  }

  @Test
  void joinsTheChannelAsTheBotWithATokenForIt() {
    FakeConnection c = start("alice");
    assertEquals(JOIN, c.calls());
    AccessToken2.ServiceRtc rtc = rtcOf(c.tokens().get(0));
    assertEquals("room", rtc.getChannelName());
    assertEquals("gw-c-1", rtc.getUid());
  }

  @Test
  void framesArePushedInOrderAfterTheHeadStartOnlyOnceConnected() {
    FakeConnection c = start("alice");
    leg.publish(frame(-1));
    clock.advance(Duration.ofMillis(100));
    assertTrue(c.pushed().isEmpty(), "nothing is sent before the channel is joined");
    c.events.connected(1);
    clock.runPending();
    for (int i = 0; i < 3; i++) {
      leg.publish(frame(i));
      clock.advance(TICK);
    }
    assertEquals(List.of(0, 1, 2), frameNumbers(c.pushed()), "the head start of 3 frames");
    for (int i = 3; i < 50; i++) {
      leg.publish(frame(i));
      clock.advance(TICK);
      assertEquals(i + 1, c.pushed().size(), "one frame per 10 ms");
    }
    assertEquals(IntStream.range(0, 50).boxed().toList(),
        frameNumbers(c.pushed()));
  }

  @Test
  void sendingPausesWhileTheSdkRejoins() {
    FakeConnection c = connected();
    for (int i = 0; i < 5; i++) {
      leg.publish(frame(i));
      clock.advance(TICK);
    }
    int before = c.pushed().size();
    c.events.reconnecting(2);
    clock.runPending();
    for (int i = 0; i < 5; i++) {
      leg.publish(frame(100 + i));
      clock.advance(TICK);
    }
    assertEquals(before, c.pushed().size());
    c.events.connected(ConnectionReasons.REJOIN_SUCCESS);
    clock.runPending();
    for (int i = 0; i < 3; i++) {
      leg.publish(frame(200 + i));
      clock.advance(TICK);
    }
    assertEquals(List.of(200, 201, 202), frameNumbers(c.pushed()).subList(before, before + 3),
        "audio from before the interruption is not sent late");
  }

  @Test
  void onlyTheBridgedUsersAudioIsReceived() {
    FakeConnection c = connected();
    short[] out = new short[Pcm16.FRAME_SAMPLES];
    c.events.audioFrame("mallory", bytes(frame(7)), 48_000, 1);
    assertFalse(leg.poll(out));
    c.events.audioFrame("alice", bytes(frame(8)), 48_000, 1);
    assertTrue(leg.poll(out));
    assertArrayEquals(frame(8), out);
  }

  @Test
  void eventsDoNotCallTheSdkOnTheCallbackThread() {
    FakeConnection c = connected();
    int calls = c.calls().size();
    c.events.tokenWillExpire();
    c.events.connectionFailed(4);
    c.events.userLeft("alice", AgoraEvents.USER_QUIT);
    assertEquals(calls, c.calls().size(), "callbacks only hand work over");
    assertEquals(0, peerLeft.get());
    clock.runPending();
    assertTrue(c.calls().size() > calls);
  }

  @Test
  void aTokenAboutToExpireIsRenewedWithAFreshOne() {
    FakeConnection c = connected();
    c.events.tokenWillExpire();
    clock.runPending();
    assertEquals("renewToken", c.calls().get(c.calls().size() - 1));
    AccessToken2.ServiceRtc rtc = rtcOf(c.tokens().get(1));
    assertEquals("room", rtc.getChannelName());
    assertEquals("gw-c-1", rtc.getUid());
    assertEquals(1, sdk.created.size());
  }

  @Test
  void anExpiredTokenThatCannotBeRenewedLeadsToARejoin() {
    FakeConnection first = connected();
    first.renewResult = -7;
    first.events.tokenDidExpire();
    clock.runPending();
    assertEquals(List.of("renewToken", "unsubscribeAllAudio", "disconnect"),
        first.calls().subList(3, 6));
    clock.advance(Duration.ofMillis(500));
    assertEquals("destroy", first.calls().get(6));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(2, sdk.created.size(), "joined again after the first backoff");
    assertEquals(JOIN, sdk.last().calls());
    assertEquals(0, peerLeft.get());
  }

  @Test
  void rejoinsWithBackoffThenEndsTheCall() {
    FakeConnection first = connected();
    first.events.reconnecting(2);
    clock.runPending();
    clock.advance(Duration.ofSeconds(5).minusNanos(1));
    assertEquals(JOIN, first.calls(), "the SDK may rejoin by itself within the grace");
    clock.advance(Duration.ofNanos(1));
    assertEquals(List.of("unsubscribeAllAudio", "disconnect"), first.calls().subList(3, 5));
    clock.advance(Duration.ofMillis(500));
    clock.advance(Duration.ofSeconds(1).minusNanos(1));
    assertEquals(1, sdk.created.size());
    clock.advance(Duration.ofNanos(1));
    FakeConnection second = sdk.last();
    assertEquals(JOIN, second.calls());

    second.events.connectionFailed(4);
    clock.runPending();
    clock.advance(Duration.ofMillis(500));
    clock.advance(Duration.ofSeconds(2).minusNanos(1));
    assertEquals(2, sdk.created.size(), "the second backoff is twice the first");
    clock.advance(Duration.ofNanos(1));
    FakeConnection third = sdk.last();

    third.events.connectionFailed(4);
    clock.runPending();
    assertEquals(1, peerLeft.get(), "no rejoin left: the call ends");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(3, sdk.created.size());
    for (FakeConnection c : sdk.created) {
      assertEquals(TEARDOWN, c.calls().subList(c.calls().size() - 3, c.calls().size()));
      assertEquals(1, c.count("destroy"));
    }
    assertTrue(leg.released().isDone());
    assertTrue(clock.isShutdown());
    assertEquals(1, peerLeft.get());
  }

  @Test
  void aLegNeverConnectedWithinTheGraceJoinsAgain() {
    FakeConnection first = start("alice");
    clock.advance(Duration.ofSeconds(5));
    assertEquals("disconnect", first.calls().get(first.calls().size() - 1));
    clock.advance(Duration.ofMillis(1500));
    assertEquals(2, sdk.created.size());
  }

  @Test
  void aConnectionThatCannotBeCreatedIsRetriedThenTheCallEnds() {
    sdk.refusals = 10;
    assertEquals(null, start("alice"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, peerLeft.get());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, peerLeft.get());
    assertTrue(leg.released().isDone());
    assertEquals(7, sdk.refusals, "the first join and two rejoins");
  }

  @Test
  void failuresARejoinCannotFixEndTheCallAtOnce() {
    FakeConnection c = connected();
    c.events.connectionFailed(8); // INVALID_TOKEN
    clock.runPending();
    assertEquals(1, peerLeft.get());
    clock.advance(Duration.ofMillis(500));
    assertEquals(TEARDOWN, c.calls().subList(3, 6));
    assertEquals(1, sdk.created.size());
    assertTrue(leg.released().isDone());
  }

  @Test
  void anotherNodeJoiningAsTheBotTakesTheCallQuietly() {
    FakeConnection c = connected();
    c.events.connectionFailed(19); // SAME_UID_LOGIN
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, peerLeft.get());
    assertEquals(TEARDOWN, c.calls().subList(3, 6));
    assertTrue(leg.released().isDone());
  }

  @Test
  void theRtcUserQuittingOrDroppingOutEndsTheCallOnce() {
    FakeConnection c = connected();
    c.events.userLeft("mallory", AgoraEvents.USER_QUIT);
    c.events.userLeft("alice", AgoraEvents.USER_BECAME_AUDIENCE);
    clock.runPending();
    assertEquals(0, peerLeft.get(), "another user, or alice only stopped publishing");
    c.events.userLeft("alice", AgoraEvents.USER_DROPPED);
    c.events.userLeft("alice", AgoraEvents.USER_QUIT);
    clock.runPending();
    assertEquals(1, peerLeft.get());
  }

  @Test
  void closeTearsDownExactlyOnceInOrder() {
    FakeConnection c = connected();
    leg.close();
    leg.close();
    assertEquals(JOIN, c.calls(), "close() does not call the SDK on the caller's thread");
    clock.runPending();
    clock.advance(Duration.ofMillis(499));
    assertEquals(List.of("unsubscribeAllAudio", "disconnect"), c.calls().subList(3, 5));
    assertEquals(5, c.calls().size(), "destroy waits for the native threads");
    clock.advance(Duration.ofMillis(1));
    assertEquals(TEARDOWN, c.calls().subList(3, 6));
    leg.close();
    clock.advance(Duration.ofSeconds(10));
    assertEquals(6, c.calls().size());
    assertTrue(leg.released().isDone());
    assertTrue(clock.isShutdown());
    assertEquals(0, peerLeft.get(), "the call closed the leg: nothing to report");
  }

  @Test
  void teardownDestroysAfterTheTimeoutWhenTheSdkNeverConfirms() {
    FakeConnection c = connected();
    c.confirm = FakeConnection.Confirm.NEVER;
    leg.close();
    clock.advance(Duration.ofMillis(2499));
    assertEquals(0, c.count("destroy"));
    clock.advance(Duration.ofMillis(1));
    assertEquals(TEARDOWN, c.calls().subList(3, 6));
  }

  @Test
  void closingDuringARejoinWaitsForTheOldConnection() {
    FakeConnection first = connected();
    first.events.connectionFailed(4);
    clock.runPending();
    leg.close();
    clock.runPending();
    assertFalse(leg.released().isDone(), "the failed connection is still being destroyed");
    clock.advance(Duration.ofSeconds(5));
    assertEquals(1, first.count("destroy"));
    assertEquals(1, sdk.created.size(), "no rejoin after close");
    assertTrue(leg.released().isDone());
  }

  @Test
  void withNumericUidsAnRtcUserThatIsNotANumberEndsTheCallWithoutJoining() {
    settings = TestSettings.agora(false);
    assertEquals(null, start("alice"));
    assertEquals(1, peerLeft.get());
    assertTrue(leg.released().isDone());
  }

  @Test
  void withNumericUidsTheBotJoinsWithItsNumber() {
    settings = TestSettings.agora(false);
    FakeConnection c = start("1234");
    String bot = AgoraRtcLegs.botUid("c-1", false);
    assertEquals(List.of("subscribeAudio 1234", "connect room " + bot, "publishAudio"),
        c.calls());
    assertEquals(bot, rtcOf(c.tokens().get(0)).getUid());
  }
}
