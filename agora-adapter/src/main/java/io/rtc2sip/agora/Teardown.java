package io.rtc2sip.agora;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases one SDK connection the way Agora's own task runner does: stop receiving audio,
 * disconnect, wait for the SDK to report the disconnect (bounded), give its native threads a
 * moment to finish (they may still be joining), then destroy. Every step runs on the leg's
 * thread, in order and once; waiting is scheduling, so the thread stays free meanwhile.
 */
final class Teardown {
  private static final Logger log = LoggerFactory.getLogger(Teardown.class);

  private enum Stage { NEW, AWAITING_DISCONNECT, DESTROYING, DONE }

  private final AgoraConnection connection;
  private final LegScheduler scheduler;
  private final Duration disconnectTimeout;
  private final Duration destroyDelay;
  private final Runnable then;
  private Stage stage = Stage.NEW;
  private LegScheduler.Cancellable timeout = () -> { };

  /** {@code then} runs on the leg's thread once the connection is destroyed. */
  Teardown(AgoraConnection connection, LegScheduler scheduler, Duration disconnectTimeout,
      Duration destroyDelay, Runnable then) {
    this.connection = connection;
    this.scheduler = scheduler;
    this.disconnectTimeout = disconnectTimeout;
    this.destroyDelay = destroyDelay;
    this.then = then;
  }

  void start() {
    if (stage != Stage.NEW) {
      return;
    }
    stage = Stage.AWAITING_DISCONNECT;
    call("unsubscribeAllAudio", connection::unsubscribeAllAudio);
    call("disconnect", connection::disconnect);
    timeout = scheduler.schedule(this::timedOut, disconnectTimeout);
  }

  /** The SDK reported the disconnect. */
  void disconnected() {
    if (stage == Stage.AWAITING_DISCONNECT) {
      timeout.cancel();
      destroyLater();
    }
  }

  boolean done() {
    return stage == Stage.DONE;
  }

  private void timedOut() {
    if (stage == Stage.AWAITING_DISCONNECT) {
      log.warn("Agora did not report the disconnect within {}; destroying the connection anyway",
          AgoraSettings.format(disconnectTimeout));
      destroyLater();
    }
  }

  private void destroyLater() {
    stage = Stage.DESTROYING;
    scheduler.schedule(this::destroy, destroyDelay);
  }

  private void destroy() {
    stage = Stage.DONE;
    try {
      connection.destroy();
    } catch (RuntimeException e) {
      log.warn("destroying the Agora connection failed: {}", e.toString());
    }
    then.run();
  }

  private static void call(String what, IntSupplier step) {
    try {
      int rc = step.getAsInt();
      if (rc != 0) {
        log.debug("{} returned {}", what, rc);
      }
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", what, e.toString());
    }
  }
}
