package io.rtc2sip.agora;

import io.rtc2sip.actors.Mdc;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.actors.rtc.RtcLegs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTC port on Agora's network (docs/rtc.md): each call's RTC leg is a bot user of the
 * gateway in the call's channel, with its own SDK connection and its own thread.
 */
public final class AgoraRtcLegs implements RtcLegs, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgoraRtcLegs.class);
  /** Longest wait at shutdown for the legs' teardowns, beyond their own timeouts. */
  private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(2);

  private final AgoraSettings settings;
  private final AgoraTokens tokens;
  private final AgoraConnectionFactory factory;
  /** Open legs, each with a future that completes once it is released and removed. */
  private final Map<AgoraLeg, CompletableFuture<Void>> legs = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Starts the network: checks the settings (a missing App Certificate stops here, before the SDK
   * starts), then starts the SDK with {@code sdk}.
   *
   * @throws IllegalArgumentException when the App ID or certificate is missing or malformed
   */
  public static AgoraRtcLegs start(AgoraSettings settings,
      Function<AgoraSettings, AgoraConnectionFactory> sdk) {
    AgoraTokens tokens = AgoraTokens.of(settings);
    return new AgoraRtcLegs(settings, tokens, sdk.apply(settings));
  }

  private AgoraRtcLegs(AgoraSettings settings, AgoraTokens tokens,
      AgoraConnectionFactory factory) {
    this.settings = settings;
    this.tokens = tokens;
    this.factory = factory;
    log.info("Agora RTC network: {}", settings);
  }

  /** Mints tokens for the RTC users of calls (the client app joins the channel with one). */
  @Override
  public AgoraTokens tokens() {
    return tokens;
  }

  @Override
  public RtcAudio join(String callId, RtcLeg leg, Runnable peerLeft) {
    return Mdc.withCall(callId, () -> {
      AgoraLeg audio;
      synchronized (legs) {
        if (closed.get()) {
          log.warn("the Agora RTC network is shut down; the call has no RTC audio");
          return null;
        }
        audio = new AgoraLeg(callId, leg, botUid(callId, settings.stringUids()), peerLeft,
            settings, tokens, factory, new ThreadLegScheduler(callId));
        legs.put(audio, audio.released().thenRun(() -> legs.remove(audio)));
      }
      audio.start();
      return audio;
    });
  }

  /**
   * The gateway's user in the channel of call {@code callId}: {@code gw-<callId>} as a string
   * account; as a numeric uid, a stable number from the upper half of the uint32 range (client
   * apps usually pick small uids). Stable, so a node taking a call over joins as the same user
   * and the SDK sends the old one away.
   */
  static String botUid(String callId, boolean stringUids) {
    if (stringUids) {
      return "gw-" + callId;
    }
    byte[] h = sha256(callId);
    long uid = ((h[0] & 0xFFL) << 24 | (h[1] & 0xFFL) << 16 | (h[2] & 0xFFL) << 8 | (h[3] & 0xFFL))
        | 0x8000_0000L;
    return Long.toString(uid);
  }

  /** Legs not yet released. */
  int openLegs() {
    return legs.size();
  }

  /**
   * Closes every leg, waits (bounded) for their connections to be destroyed, then releases the
   * SDK. For node shutdown.
   */
  @Override
  public void close() {
    Map<AgoraLeg, CompletableFuture<Void>> open;
    synchronized (legs) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      open = Map.copyOf(legs);
    }
    open.keySet().forEach(AgoraLeg::close);
    Duration wait = settings.disconnectTimeout().plus(settings.destroyDelay())
        .plus(SHUTDOWN_SLACK);
    try {
      CompletableFuture.allOf(open.values().toArray(CompletableFuture<?>[]::new))
          .get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("{} RTC legs still leaving after {}; releasing the SDK anyway", legs.size(),
          AgoraSettings.format(wait));
    } catch (ExecutionException e) {
      log.warn("an RTC leg did not leave cleanly: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    factory.close();
    log.info("Agora RTC network stopped");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
