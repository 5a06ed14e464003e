package io.rtc2sip.sip;

import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.port.MediaEndpoints;
import io.rtc2sip.actors.port.SdesCrypto;
import io.rtc2sip.actors.port.SdesKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Media endpoints for SIP tests without a media bridge: a distinct even port per call, and what
 * the peers' SDP said, for the tests to check.
 */
final class TestMediaEndpoints implements MediaEndpoints {
  final Map<String, InetSocketAddress> local = new ConcurrentHashMap<>();
  final Map<String, NegotiatedMedia> described = new ConcurrentHashMap<>();
  final Map<String, InetSocketAddress> remote = new ConcurrentHashMap<>();
  final Map<String, SdesKey> localKeys = new ConcurrentHashMap<>();
  /** The peers' SDES crypto of calls whose last SDP had one. */
  final Map<String, SdesCrypto> crypto = new ConcurrentHashMap<>();
  private int next = 36000 + (int) (ProcessHandle.current().pid() % 1000) * 2;
  /** When set, the next {@link #remoteDescribed} waits for it (a slow media bridge). */
  final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> stall =
      new java.util.concurrent.atomic.AtomicReference<>();

  @Override
  public synchronized Optional<InetSocketAddress> localRtp(String callId) {
    return Optional.of(local.computeIfAbsent(callId,
        id -> new InetSocketAddress("127.0.0.1", next += 2)));
  }

  @Override
  public Optional<SdesKey> localSdesKey(String callId) {
    return Optional.of(localKeys.computeIfAbsent(callId,
        id -> SdesKey.random(new java.security.SecureRandom())));
  }

  @Override
  public void remoteDescribed(String callId, InetSocketAddress remoteRtp, NegotiatedMedia media,
      Optional<SdesCrypto> srtp) {
    java.util.concurrent.CountDownLatch wait = stall.getAndSet(null);
    if (wait != null) {
      try {
        wait.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    remote.put(callId, remoteRtp);
    described.put(callId, media);
    srtp.ifPresentOrElse(c -> crypto.put(callId, c), () -> crypto.remove(callId));
  }

  @Override
  public void release(String callId) {
    local.remove(callId);
    SdesKey key = localKeys.remove(callId);
    if (key != null) {
      key.destroy();
    }
  }
}
