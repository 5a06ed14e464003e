package io.rtc2sip.agora;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the call's 10 ms frames to the SDK in order, paced by the wall clock: it first waits
 * for a head start of a few frames and pushes them at once, then keeps the pushed audio that
 * same few frames ahead of real time. The head start absorbs late ticks of the sending thread,
 * so the SDK's send buffer does not run dry (it would send silence). When it does run dry anyway
 * (the media clock paused), the head start is built up again before pushing resumes.
 * Runs on the leg's own thread only.
 */
final class PacedSender {
  private static final Logger log = LoggerFactory.getLogger(PacedSender.class);
  private static final int LOG_EVERY = 500;

  private final SampleRing queue;
  private final int headStart;
  private final long aheadNanos;
  private final short[] frame = new short[Pcm16.FRAME_SAMPLES];
  private final byte[] bytes = new byte[Pcm16.FRAME_BYTES];
  private boolean primed;
  private long pushedUntil;
  private long pushed;
  private long failed;
  private long underruns;

  PacedSender(SampleRing queue, int headStartFrames) {
    if (headStartFrames < 1) {
      throw new IllegalArgumentException("the head start is at least one frame");
    }
    this.queue = queue;
    this.headStart = headStartFrames;
    this.aheadNanos = headStartFrames * Pcm16.FRAME_NANOS;
  }

  /** Starts over (a new or re-established connection): queued audio is stale. */
  void reset() {
    queue.clear();
    primed = false;
  }

  /** Pushes the frames due at {@code nowNanos} to {@code connection}; returns how many. */
  int tick(long nowNanos, AgoraConnection connection) {
    if (primed && pushedUntil - nowNanos <= 0) {
      primed = false;
      underruns++;
    }
    if (!primed) {
      if (queue.frames() < headStart) {
        return 0;
      }
      primed = true;
      pushedUntil = nowNanos;
    }
    int n = 0;
    while (pushedUntil - nowNanos < aheadNanos && queue.read(frame)) {
      Pcm16.toLittleEndian(frame, bytes);
      String error;
      try {
        int rc = connection.pushPcm(bytes, Pcm16.RATE, 1);
        error = rc == 0 ? null : "code " + rc;
      } catch (RuntimeException e) {
        error = e.toString();
      }
      if (error != null && failed++ % LOG_EVERY == 0) {
        log.warn("pushing audio to Agora failed ({}; {} so far); frame dropped", error, failed);
      }
      pushedUntil += Pcm16.FRAME_NANOS;
      pushed++;
      n++;
    }
    return n;
  }

  long pushed() {
    return pushed;
  }

  long failed() {
    return failed;
  }

  /** Times the SDK's buffer ran dry and the head start was built up again. */
  long underruns() {
    return underruns;
  }

  @Override
  public String toString() {
    return "10 ms frames -> 16-bit LE -> push 48 kHz mono, " + headStart + " frames ahead";
  }
}
