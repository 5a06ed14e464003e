package io.rtc2sip.agora;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** A connection that records what the leg asks of the SDK, and from which thread. */
final class FakeConnection implements AgoraConnection {

  /** How the fake SDK confirms a disconnect. */
  enum Confirm { INLINE, FROM_SDK_THREAD, NEVER }

  final AgoraEvents events;
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<byte[]> pushed = Collections.synchronizedList(new ArrayList<>());
  private final List<String> tokens = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> threads = ConcurrentHashMap.newKeySet();
  volatile int connectResult;
  volatile int renewResult;
  volatile Confirm confirm = Confirm.INLINE;
  /** What a push returns (or throws); pushes that return 0 are recorded. */
  volatile Function<byte[], Integer> pushOutcome = pcm -> 0;

  FakeConnection(AgoraEvents events) {
    this.events = events;
  }

  List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  long count(String call) {
    return calls().stream().filter(call::equals).count();
  }

  List<byte[]> pushed() {
    synchronized (pushed) {
      return List.copyOf(pushed);
    }
  }

  List<String> tokens() {
    synchronized (tokens) {
      return List.copyOf(tokens);
    }
  }

  /** Names of the threads the connection was called on. */
  Set<String> threads() {
    return Set.copyOf(threads);
  }

  private void record(String call) {
    threads.add(Thread.currentThread().getName());
    calls.add(call);
  }

  @Override
  public int subscribeAudio(String uid) {
    record("subscribeAudio " + uid);
    return 0;
  }

  @Override
  public int connect(String token, String channel, String uid) {
    record("connect " + channel + " " + uid);
    tokens.add(token);
    return connectResult;
  }

  @Override
  public int publishAudio() {
    record("publishAudio");
    return 0;
  }

  @Override
  public int pushPcm(byte[] pcm, int sampleRate, int channels) {
    threads.add(Thread.currentThread().getName());
    if (sampleRate != Pcm16.RATE || channels != 1) {
      throw new AssertionError("pushed " + sampleRate + " Hz, " + channels + " channels");
    }
    int rc = pushOutcome.apply(pcm);
    if (rc == 0) {
      pushed.add(pcm.clone());
    }
    return rc;
  }

  @Override
  public int renewToken(String token) {
    record("renewToken");
    tokens.add(token);
    return renewResult;
  }

  @Override
  public int unsubscribeAllAudio() {
    record("unsubscribeAllAudio");
    return 0;
  }

  @Override
  public int disconnect() {
    record("disconnect");
    switch (confirm) {
      case INLINE -> events.disconnected(5);
      case FROM_SDK_THREAD -> new Thread(() -> events.disconnected(5), "sdk-callback-disc").start();
      default -> { }
    }
    return 0;
  }

  @Override
  public void destroy() {
    record("destroy");
  }
}
