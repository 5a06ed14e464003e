package io.rtc2sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.codec.testing.ToneMeter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The conference bus with tones: two SIP legs (400 Hz, 800 Hz at 8 kHz) and the RTC user's
 * 48 kHz leg (1 kHz); each hears the other two and not itself, and a leg that leaves is no
 * longer heard.
 */
class ConferenceBusTest {

  private static final int TICKS = 100; // one second

  /** An RTC user's 48 kHz leg that says a tone and records what it hears. */
  private static final class ToneLeg implements RtcAudio {
    private final double hz;
    private long at;
    private final short[] recorded = new short[48000 * 3];
    private int recordedLength;

    ToneLeg(double hz) {
      this.hz = hz;
    }

    @Override
    public void publish(short[] frame) {
      System.arraycopy(frame, 0, recorded, recordedLength, frame.length);
      recordedLength += frame.length;
    }

    @Override
    public boolean poll(short[] out) {
      short[] frame = new short[480];
      ToneMeter.sine(frame, hz, 48000, 6000, at);
      at += 480;
      System.arraycopy(frame, 0, out, 0, 480);
      return true;
    }

    @Override
    public void close() {}

    short[] lastSecond() {
      return Arrays.copyOfRange(recorded, recordedLength - 24000, recordedLength);
    }
  }

  /** A SIP leg as its media drives a port: publish its tone, poll what it hears. */
  private static final class SipLeg {
    final ConferenceBus.Port port;
    final double hz;
    final short[] heard = new short[8000 * 3];
    int heardLength;
    long at;

    SipLeg(ConferenceBus.Port port, double hz) {
      this.port = port;
      this.hz = hz;
    }

    void tick() {
      short[] frame = new short[80];
      ToneMeter.sine(frame, hz, 8000, 6000, at);
      at += 80;
      port.publish(frame);
      short[] in = new short[80];
      if (port.poll(in)) {
        System.arraycopy(in, 0, heard, heardLength, 80);
        heardLength += 80;
      }
    }

    short[] lastHalfSecond() {
      return Arrays.copyOfRange(heard, heardLength - 4000, heardLength);
    }
  }

  private static void run(ConferenceBus bus, int ticks, SipLeg... legs) {
    for (int t = 0; t < ticks; t++) {
      for (SipLeg leg : legs) {
        leg.tick();
      }
      bus.mix();
    }
  }

  @Test
  void everyoneHearsTheOthersAndNotThemselves() {
    ConferenceBus bus = new ConferenceBus(8);
    SipLeg a = new SipLeg(bus.join(), 400);
    SipLeg b = new SipLeg(bus.join(), 800);
    ToneLeg user = new ToneLeg(1000);
    bus.attachUser(user);
    assertEquals(3, bus.parties());
    run(bus, TICKS, a, b);

    short[] atA = a.lastHalfSecond();
    assertTrue(ToneMeter.share(atA, 1000, 8000) > 0.3, "A hears the user");
    assertTrue(ToneMeter.share(atA, 800, 8000) > 0.3, "A hears B");
    assertTrue(ToneMeter.share(atA, 400, 8000) < 0.01, "A does not hear itself");
    short[] atB = b.lastHalfSecond();
    assertTrue(ToneMeter.share(atB, 1000, 8000) > 0.3, "B hears the user");
    assertTrue(ToneMeter.share(atB, 400, 8000) > 0.3, "B hears A");
    assertTrue(ToneMeter.share(atB, 800, 8000) < 0.01, "B does not hear itself");
    short[] atUser = user.lastSecond();
    assertTrue(ToneMeter.share(atUser, 400, 48000) > 0.3, "the user hears A");
    assertTrue(ToneMeter.share(atUser, 800, 48000) > 0.3, "the user hears B");
    assertTrue(ToneMeter.share(atUser, 1000, 48000) < 0.01, "the user does not hear itself");
  }

  @Test
  void aLegThatLeavesIsNoLongerHeard() {
    ConferenceBus bus = new ConferenceBus(8);
    SipLeg a = new SipLeg(bus.join(), 400);
    SipLeg b = new SipLeg(bus.join(), 800);
    ToneLeg user = new ToneLeg(1000);
    bus.attachUser(user);
    run(bus, TICKS, a, b);
    b.port.close();
    run(bus, TICKS, a);

    short[] atA = a.lastHalfSecond();
    assertTrue(ToneMeter.share(atA, 1000, 8000) > 0.9, "A hears only the user");
    assertTrue(ToneMeter.share(atA, 800, 8000) < 0.01, "B is gone");
    short[] atUser = user.lastSecond();
    assertTrue(ToneMeter.share(atUser, 400, 48000) > 0.9, "the user hears only A");
    assertEquals(2, bus.parties());
  }

  @Test
  void aLegThatSaysNothingIsSilentAndNothingIsHeardBeforeTheFirstMix() {
    ConferenceBus bus = new ConferenceBus(3);
    ConferenceBus.Port quiet = bus.join();
    SipLeg a = new SipLeg(bus.join(), 400);
    assertFalse(quiet.poll(new short[80]));
    run(bus, 20, a);
    short[] atQuiet = new short[80];
    assertTrue(quiet.poll(atQuiet));
    assertTrue(ToneMeter.rms(atQuiet) > 1000, "the quiet leg hears A");
    short[] atA = new short[80];
    assertTrue(a.port.poll(atA));
    assertEquals(0, ToneMeter.rms(atA), "A hears the quiet leg: silence");
    bus.join();
    assertThrows(IllegalStateException.class, bus::join);
  }
}
