package io.rtc2sip.codec.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.testing.ToneMeter;
import org.junit.jupiter.api.Test;

/** Each party hears every other party and not itself; sums that overflow a short are clamped. */
class MixerTest {

    private static final int RATE = Mixer.RATE;
    private static final int FRAME = Mixer.FRAME_SAMPLES;
    private static final double[] TONES = {400, 800, 1000, 1400, 1800, 2200, 2600, 3000};

    /** One second of {@code parties} tones mixed in 10 ms frames; what each party heard. */
    private static short[][] mixTones(int parties, double amplitude) {
        Mixer mixer = new Mixer(Mixer.MAX_PARTIES);
        short[][] in = new short[parties][FRAME];
        short[][] out = new short[parties][FRAME];
        short[][] heard = new short[parties][RATE];
        for (int frame = 0; frame < RATE / FRAME; frame++) {
            for (int p = 0; p < parties; p++) {
                ToneMeter.sine(in[p], TONES[p], RATE, amplitude, (long) frame * FRAME);
            }
            mixer.mix(in, out, parties);
            for (int p = 0; p < parties; p++) {
                System.arraycopy(out[p], 0, heard[p], frame * FRAME, FRAME);
            }
        }
        return heard;
    }

    private static void assertHearsOthersOnly(short[][] heard) {
        int parties = heard.length;
        for (int p = 0; p < parties; p++) {
            for (int q = 0; q < parties; q++) {
                double share = ToneMeter.share(heard[p], TONES[q], RATE);
                if (p == q) {
                    assertTrue(share < 0.001, "party " + p + " hears itself: " + share);
                } else {
                    // the others' tones share the power equally
                    assertEquals(1.0 / (parties - 1), share, 0.02,
                            "party " + p + " hears party " + q + " at " + TONES[q] + " Hz");
                }
            }
        }
    }

    @Test
    void threePartiesHearTheOtherTwo() {
        assertHearsOthersOnly(mixTones(3, 6000));
    }

    @Test
    void eightPartiesHearTheOtherSeven() {
        assertHearsOthersOnly(mixTones(8, 3000));
    }

    @Test
    void twoPartiesHearEachOtherUnchanged() {
        Mixer mixer = new Mixer(2);
        short[][] in = {{1, -2, 32767, -32768}, {5, 6, 7, 8}};
        short[][] out = new short[2][4];
        mixer.mix(in, out, 2, 4);
        assertArrayEquals(in[1], out[0]);
        assertArrayEquals(in[0], out[1]);
    }

    @Test
    void sumsBeyondAShortAreClampedNotWrapped() {
        Mixer mixer = new Mixer(4);
        short[][] in = {
            {30000, -30000, 20000, 0},
            {30000, -30000, -20000, 0},
            {30000, -30000, 100, 0},
            {-32768, 32767, 0, 0},
        };
        short[][] out = new short[4][4];
        mixer.mix(in, out, 4, 4);
        // party 3 hears 90000 / -90000: clamped to full scale
        assertArrayEquals(new short[] {32767, -32768, 100, 0}, out[3]);
        // party 0 hears 30000 + 30000 - 32768 = 27232 exactly: the total is kept in int
        assertEquals(27232, out[0][0]);
        assertEquals(-27233, out[0][1]);
        assertEquals(-19900, out[0][2]);
    }

    @Test
    void aSilentPartyHearsTheOthers() {
        Mixer mixer = new Mixer(3);
        short[][] in = {{100, 200}, {0, 0}, {-50, 50}};
        short[][] out = new short[3][2];
        mixer.mix(in, out, 3, 2);
        assertArrayEquals(new short[] {50, 250}, out[1]);
        assertArrayEquals(new short[] {-50, 50}, out[0]);
        assertArrayEquals(new short[] {100, 200}, out[2]);
    }

    @Test
    void moreThanItsPartiesIsRefused() {
        Mixer mixer = new Mixer(3);
        short[][] in = new short[4][FRAME];
        short[][] out = new short[4][FRAME];
        assertThrows(IllegalArgumentException.class, () -> mixer.mix(in, out, 4));
        assertThrows(IllegalArgumentException.class, () -> new Mixer(Mixer.MAX_PARTIES + 1));
    }
}
