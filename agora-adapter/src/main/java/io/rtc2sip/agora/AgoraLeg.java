package io.rtc2sip.agora;

import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.rtc.RtcAudio;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTC leg of one call on Agora: the gateway's bot user in the call's channel, bridging the
 * call's RTC user (only that uid; other users' audio is ignored).
 *
 * <p>Threads: the media clock calls {@link #publish} and {@link #poll}, which only touch
 * bounded queues; SDK callbacks copy what they carry and hand everything else to the leg's own
 * thread ({@link LegScheduler}). Only that thread calls the SDK: joining, pushing audio paced by
 * the wall clock, renewing the token, rejoining, tearing down.
 *
 * <p>Policies: a token about to expire is renewed; an expired one is renewed, else the leg
 * rejoins. A leg not connected within the grace period (joining, or the SDK rejoining by itself)
 * or whose connection failed joins again with a fresh token after a growing backoff, a bounded
 * number of times; then, or at once for failures a rejoin cannot fix, the call ends through
 * {@code peerLeft}. The RTC user quitting or dropping out ends the call too. {@link #close}
 * tears down once, off the caller's thread.
 */
final class AgoraLeg implements RtcAudio {
  private static final Logger log = LoggerFactory.getLogger(AgoraLeg.class);
  private static final Duration TICK = Duration.ofNanos(Pcm16.FRAME_NANOS);
  private static final LegScheduler.Cancellable NONE = () -> { };

  private enum State { JOINING, CONNECTED, INTERRUPTED, WAITING, ENDED }

  private final String callId;
  private final RtcLeg leg;
  private final String botUid;
  private final Runnable peerLeft;
  private final AgoraSettings settings;
  private final AgoraTokens tokens;
  private final AgoraConnectionFactory factory;
  private final LegScheduler scheduler;
  private final SampleRing outgoing;
  private final PacedSender sender;
  private final ReceivedAudio incoming;
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final AtomicBoolean peerReported = new AtomicBoolean();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  /** Whether published frames are queued for sending (connected, not closing). */
  private volatile boolean sending;
  /** The connection in use; written on the leg's thread only. */
  private volatile Link current;

  // the leg's thread only
  private State state = State.JOINING;
  private int generation;
  private int rejoins;
  private int pendingTeardowns;
  private boolean ending;
  private LegScheduler.Cancellable timer = NONE;
  private LegScheduler.Cancellable ticks = NONE;

  AgoraLeg(String callId, RtcLeg leg, String botUid, Runnable peerLeft, AgoraSettings settings,
      AgoraTokens tokens, AgoraConnectionFactory factory, LegScheduler scheduler) {
    this.callId = callId;
    this.leg = leg;
    this.botUid = botUid;
    this.peerLeft = peerLeft;
    this.settings = settings;
    this.tokens = tokens;
    this.factory = factory;
    this.scheduler = scheduler;
    int headStart = settings.headStartFrames();
    this.outgoing = new SampleRing(Pcm16.FRAME_SAMPLES, Math.max(2 * headStart, headStart + 10));
    this.sender = new PacedSender(outgoing, headStart);
    this.incoming = new ReceivedAudio(settings.receiveQueueFrames());
  }

  /** Starts joining on the leg's thread. */
  void start() {
    scheduler.execute(this::join);
  }

  /** Completes once the leg has left and its connections are destroyed. */
  CompletableFuture<Void> released() {
    return released;
  }

  @Override
  public void publish(short[] frame) {
    if (sending) {
      outgoing.write(frame, 0, frame.length);
    }
  }

  @Override
  public boolean poll(short[] out) {
    return incoming.poll(out);
  }

  @Override
  public void close() {
    if (closeRequested.compareAndSet(false, true)) {
      sending = false;
      scheduler.execute(() -> end("the leg was closed", false));
    }
  }

  @Override
  public String toString() {
    return "AgoraLeg[" + callId + ", channel " + leg.channel() + ", bot " + botUid + " for "
        + leg.uid() + "]";
  }

  // ------------------------------------------------------------------ joining and rejoining

  private void join() {
    if (ending) {
      return;
    }
    state = State.JOINING;
    String token;
    try {
      if (!settings.stringUids()) {
        AgoraTokens.numericUid(leg.uid());
      }
      token = tokens.issue(leg.channel(), botUid);
    } catch (IllegalArgumentException e) {
      end("cannot join channel " + leg.channel() + ": " + e.getMessage(), true);
      return;
    }
    Link link = new Link(++generation);
    try {
      link.connection = factory.create(callId, link);
    } catch (RuntimeException e) {
      rejoin("the SDK did not create a connection: " + e.getMessage());
      return;
    }
    current = link;
    armGrace();
    try {
      warnIfFailed("subscribeAudio", link.connection.subscribeAudio(leg.uid()));
      int rc = link.connection.connect(token, leg.channel(), botUid);
      if (rc != 0) {
        rejoin("connect to channel " + leg.channel() + " returned " + rc);
        return;
      }
      warnIfFailed("publishAudio", link.connection.publishAudio());
    } catch (RuntimeException e) {
      rejoin("joining channel " + leg.channel() + " failed: " + e);
      return;
    }
    log.info("joining channel {} as {} for RTC user {}", leg.channel(), botUid, leg.uid());
  }

  /** Leaves the current connection and joins again after a backoff, or gives up. */
  private void rejoin(String why) {
    if (ending) {
      return;
    }
    pauseSending();
    timer.cancel();
    rejoins++;
    if (rejoins > settings.reconnectAttempts()) {
      end(why + "; gave up after " + settings.reconnectAttempts() + " rejoins", true);
      return;
    }
    Duration wait = settings.backoff(rejoins);
    log.warn("{}; joining again in {} ({} of {})", why, AgoraSettings.format(wait), rejoins,
        settings.reconnectAttempts());
    state = State.WAITING;
    Link old = current;
    current = null;
    release(old, () -> timer = scheduler.schedule(this::join, wait));
  }

  private void armGrace() {
    timer.cancel();
    Link link = current;
    timer = scheduler.schedule(() -> graceOver(link), settings.reconnectGrace());
  }

  private void graceOver(Link link) {
    if (link == current && !ending && state != State.CONNECTED) {
      rejoin("not connected to channel " + leg.channel() + " within "
          + AgoraSettings.format(settings.reconnectGrace()));
    }
  }

  // ------------------------------------------------------------------ events (leg's thread)

  private void connected(int reason) {
    state = State.CONNECTED;
    rejoins = 0;
    timer.cancel();
    if (reason == ConnectionReasons.REJOIN_SUCCESS) {
      log.info("back in channel {} after an interruption", leg.channel());
    } else {
      log.info("joined channel {} as {}", leg.channel(), botUid);
    }
    sender.reset();
    sending = !closeRequested.get();
    if (ticks == NONE) {
      ticks = scheduler.repeat(this::tick, TICK);
    }
  }

  private void interrupted(String what) {
    if (state != State.CONNECTED) {
      log.debug("{} while {}", what, state);
      return;
    }
    state = State.INTERRUPTED;
    pauseSending();
    log.warn("{}: Agora is rejoining by itself; the call waits up to {}", what,
        AgoraSettings.format(settings.reconnectGrace()));
    armGrace();
  }

  private void dropped(String what, int reason) {
    String why = what + " with " + ConnectionReasons.describe(reason);
    switch (ConnectionReasons.policy(reason)) {
      case END_CALL -> end(why, true);
      case TAKEN_OVER -> {
        log.info("{}: another node joined as {} and bridges the call now; leaving", why, botUid);
        end(why, false);
      }
      default -> rejoin(why);
    }
  }

  private void userLeft(String uid, int reason) {
    if (!uid.equals(leg.uid())) {
      log.debug("user {} left channel {} (not bridged)", uid, leg.channel());
      return;
    }
    if (reason == AgoraEvents.USER_BECAME_AUDIENCE) {
      log.info("RTC user {} stopped publishing", uid);
      return;
    }
    String how = reason == AgoraEvents.USER_DROPPED ? "dropped out of" : "left";
    log.info("RTC user {} {} channel {}; ending the call", uid, how, leg.channel());
    reportPeerLeft();
  }

  private void renewToken(Link link, boolean expired) {
    String why;
    try {
      int rc = link.connection.renewToken(tokens.issue(leg.channel(), botUid));
      if (rc == 0) {
        log.info("token renewed for another {}", AgoraSettings.format(tokens.expiry()));
        return;
      }
      why = "renewToken returned " + rc;
    } catch (RuntimeException e) {
      why = e.toString();
    }
    if (expired) {
      rejoin("the token expired and renewing it failed (" + why + ")");
    } else {
      log.warn("renewing the token failed ({}); trying again when it expires", why);
    }
  }

  private void tick() {
    Link link = current;
    if (link != null && state == State.CONNECTED) {
      sender.tick(scheduler.nanoTime(), link.connection);
    }
  }

  // ------------------------------------------------------------------ ending

  /** Ends the leg once: stops sending, tears the connection down, reports if asked to. */
  private void end(String why, boolean endCall) {
    if (ending) {
      return;
    }
    ending = true;
    state = State.ENDED;
    pauseSending();
    timer.cancel();
    if (endCall) {
      log.warn("RTC leg failed: {}; ending the call", why);
      reportPeerLeft();
    } else {
      log.info("leaving channel {}: {}", leg.channel(), why);
    }
    Link link = current;
    current = null;
    release(link, () -> { });
    finishIfReleased();
  }

  private void release(Link link, Runnable next) {
    if (link == null) {
      next.run();
      return;
    }
    pendingTeardowns++;
    link.teardown = new Teardown(link.connection, scheduler, settings.disconnectTimeout(),
        settings.destroyDelay(), () -> {
          pendingTeardowns--;
          if (ending) {
            finishIfReleased();
          } else {
            next.run();
          }
        });
    link.teardown.start();
  }

  private void finishIfReleased() {
    if (ending && pendingTeardowns == 0 && !released.isDone()) {
      log.info("left channel {} (sent {} frames, {} failed, {} sender underruns; {} received"
          + " frames dropped, {} chunks rejected)", leg.channel(), sender.pushed(),
          sender.failed(), sender.underruns(), incoming.dropped(), incoming.rejected());
      scheduler.shutdown();
      released.complete(null);
    }
  }

  private void pauseSending() {
    sending = false;
    ticks.cancel();
    ticks = NONE;
  }

  private void reportPeerLeft() {
    if (peerReported.compareAndSet(false, true)) {
      try {
        peerLeft.run();
      } catch (RuntimeException e) {
        log.error("reporting the end of the RTC leg failed", e);
      }
    }
  }

  private static void warnIfFailed(String what, int rc) {
    if (rc != 0) {
      log.warn("{} returned {}", what, rc);
    }
  }

  /**
   * One SDK connection of the leg and the observer of its events. Callbacks arrive on SDK
   * threads: audio is copied into the receive queue, everything else goes to the leg's thread,
   * where events of a connection that is no longer current are ignored.
   */
  private final class Link implements AgoraEvents {
    final int generation;
    AgoraConnection connection;
    Teardown teardown;

    Link(int generation) {
      this.generation = generation;
    }

    private void onLeg(Runnable handler) {
      scheduler.execute(() -> {
        if (this == current && !ending) {
          handler.run();
        }
      });
    }

    @Override
    public void connected(int reason) {
      onLeg(() -> AgoraLeg.this.connected(reason));
    }

    @Override
    public void disconnected(int reason) {
      scheduler.execute(() -> {
        if (teardown != null) {
          teardown.disconnected();
        } else if (this == current && !ending) {
          dropped("disconnected by Agora", reason);
        }
      });
    }

    @Override
    public void connecting(int reason) {
      onLeg(() -> log.debug("connecting ({})", ConnectionReasons.describe(reason)));
    }

    @Override
    public void reconnecting(int reason) {
      onLeg(() -> interrupted("connection interrupted, " + ConnectionReasons.describe(reason)));
    }

    @Override
    public void connectionLost() {
      onLeg(() -> interrupted("connection lost"));
    }

    @Override
    public void connectionFailed(int reason) {
      onLeg(() -> dropped("connection failed", reason));
    }

    @Override
    public void userJoined(String uid) {
      onLeg(() -> {
        if (uid.equals(leg.uid())) {
          log.info("RTC user {} is in channel {}", uid, leg.channel());
        }
      });
    }

    @Override
    public void userLeft(String uid, int reason) {
      onLeg(() -> AgoraLeg.this.userLeft(uid, reason));
    }

    @Override
    public void tokenWillExpire() {
      onLeg(() -> renewToken(this, false));
    }

    @Override
    public void tokenDidExpire() {
      onLeg(() -> renewToken(this, true));
    }

    @Override
    public void audioFrame(String uid, byte[] pcm, int sampleRate, int channels) {
      if (this == current && leg.uid().equals(uid)) {
        incoming.add(pcm, sampleRate, channels);
      }
    }

    @Override
    public String toString() {
      return "connection " + generation + " of " + AgoraLeg.this;
    }
  }
}
