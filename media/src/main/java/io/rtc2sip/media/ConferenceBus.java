package io.rtc2sip.media;

import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.codec.mix.Mixer;
import io.rtc2sip.codec.resample.Resampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The audio of one conference on this node, at the mixer's 8 kHz: every SIP leg of the call (its
 * own and each added party's) is given a {@link Port} as the RTC leg it talks to, and the RTC
 * user's leg is attached with its resamplers (48 ↔ 8 kHz, which a two-party call has as well).
 * Once per 10 ms tick, {@link #mix} gives each party the sum of the others: what a port
 * publishes in one tick is heard by the others after the next mix. A port that published
 * nothing since the last mix counts as silent. The legs' audio and the mix run on one media
 * clock thread (the call's); joining, leaving and attaching the user come from the bridge's
 * actor and take the bus's lock, which the mix takes too. No allocation per tick.
 */
final class ConferenceBus {

  private static final int FRAME = Mixer.FRAME_SAMPLES;
  private static final int WIDE = 480;

  private final Mixer mixer = new Mixer(Mixer.MAX_PARTIES);
  private final List<Port> ports = new ArrayList<>();
  private final short[][] said = new short[Mixer.MAX_PARTIES][];
  private final short[][] heard = new short[Mixer.MAX_PARTIES][];
  private final short[] userSaid = new short[FRAME];
  private final short[] userHeard = new short[FRAME];
  private final short[] wide = new short[WIDE];
  private final short[] wideOut = new short[WIDE + 8];
  private final Resampler down = Resampler.create(48000, 8000);
  private final Resampler up = Resampler.create(8000, 48000);
  private final int maxParties;
  private RtcAudio user;

  /** A bus for up to {@code maxParties} parties, the RTC user included. */
  ConferenceBus(int maxParties) {
    if (maxParties < 2 || maxParties > Mixer.MAX_PARTIES) {
      throw new IllegalArgumentException("2.." + Mixer.MAX_PARTIES + " parties");
    }
    this.maxParties = maxParties;
  }

  /** A new SIP leg's port: what it publishes is mixed, what it polls is the others' sum. */
  synchronized Port join() {
    if (parties() >= maxParties) {
      throw new IllegalStateException("a conference takes at most " + maxParties + " parties");
    }
    Port p = new Port();
    ports.add(p);
    return p;
  }

  /** The RTC user's leg (48 or 8 kHz frames) hears the others and is heard by them. */
  synchronized void attachUser(RtcAudio leg) {
    if (user == null && parties() >= maxParties) {
      throw new IllegalStateException("a conference takes at most " + maxParties + " parties");
    }
    this.user = leg;
    down.reset();
    up.reset();
  }

  /** The RTC user's leg, or null. */
  synchronized RtcAudio user() {
    return user;
  }

  /** Parties in the mix, the RTC user included. */
  synchronized int parties() {
    return ports.size() + (user != null ? 1 : 0);
  }

  /** One 10 ms step: the RTC user's frame in, every party's mix out, the user's mix to it. */
  synchronized void mix() {
    int n = 0;
    for (Port p : ports) {
      if (!p.fresh) {
        Arrays.fill(p.said, (short) 0);
      }
      said[n] = p.said;
      heard[n++] = p.heard;
    }
    RtcAudio leg = user;
    if (leg != null) {
      userFrame(leg);
      said[n] = userSaid;
      heard[n++] = userHeard;
    }
    if (n >= 2) {
      mixer.mix(said, heard, n);
    } else if (n == 1) {
      Arrays.fill(heard[0], (short) 0); // alone: silence
    }
    for (Port p : ports) {
      p.fresh = false;
      p.mixed = true;
    }
    if (leg != null && leg.listening()) {
      userPublish(leg);
    }
  }

  private void userFrame(RtcAudio leg) {
    if (leg.sampleRate() == 8000) {
      if (!leg.poll(userSaid)) {
        Arrays.fill(userSaid, (short) 0);
      }
      return;
    }
    if (!leg.poll(wide)) {
      Arrays.fill(userSaid, (short) 0);
      return;
    }
    int got = down.process(wide, 0, WIDE, userSaid, 0);
    if (got < FRAME) {
      Arrays.fill(userSaid, got, FRAME, (short) 0);
    }
  }

  private void userPublish(RtcAudio leg) {
    if (leg.sampleRate() == 8000) {
      leg.publish(userHeard);
      return;
    }
    int got = up.process(userHeard, 0, FRAME, wideOut, 0);
    System.arraycopy(wideOut, 0, wide, 0, Math.min(got, WIDE));
    if (got < WIDE) {
      Arrays.fill(wide, got, WIDE, (short) 0);
    }
    leg.publish(wide);
  }

  /** One SIP leg's place in the mix, as the 8 kHz RTC leg that leg's media talks to. */
  final class Port implements RtcAudio {
    private final short[] said = new short[FRAME];
    private final short[] heard = new short[FRAME];
    private boolean fresh;
    private boolean mixed;

    @Override
    public int sampleRate() {
      return 8000;
    }

    @Override
    public void publish(short[] frame) {
      System.arraycopy(frame, 0, said, 0, FRAME);
      fresh = true;
    }

    /** The others' sum of the last mix; false before the first. */
    @Override
    public boolean poll(short[] into) {
      if (!mixed) {
        return false;
      }
      System.arraycopy(heard, 0, into, 0, FRAME);
      return true;
    }

    /** Leaves the mix. */
    @Override
    public void close() {
      synchronized (ConferenceBus.this) {
        ports.remove(this);
      }
    }
  }
}
