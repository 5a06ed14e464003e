package io.rtc2sip.codec.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Synthetic streams on a simulated clock (see {@link StreamSim}); nothing sleeps. */
class JitterBufferTest {

    private static final int SSRC = 0x5EED;

    private static JitterBuffer buffer() {
        return new JitterBuffer(JitterConfig.g711());
    }

    @Test
    void aPerfectStreamPlaysContiguouslyAfterTheMinimumDelay() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 1000, 5000, 100, 0, i -> 0).run(jb, 2100);
        JitterStats s = jb.stats();
        assertEquals(0, sim.discontinuities());
        assertEquals(100 * 160, sim.audio.size());
        assertTrue(sim.shape().startsWith("A16000"), sim.shape());
        assertEquals(100, s.pushed());
        assertEquals(100, s.popped());
        assertEquals(0, s.lost() + s.late() + s.duplicate() + s.stretchedFrames() + s.droppedFrames());
        assertEquals(20.0, s.targetDelayMs());
        // first packet at 50 ms plays from 70 ms: 20 ms of silence, then audio
        assertEquals(7 * 80, sim.kinds.indexOf("A"));
    }

    @Test
    void reordersSwappedPacketsAndDropsDuplicates() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim()
                .send(SSRC, 0, 0, 100, 0, i -> i % 2 == 0 ? 15 : 0) // every pair arrives swapped
                .send(SSRC, 0, 0, 100, 0, i -> i % 10 == 3 ? 5 : -1) // every tenth twice
                .run(jb, 2200);
        JitterStats s = jb.stats();
        assertEquals(0, sim.discontinuities());
        assertEquals(100 * 160, sim.audio.size());
        assertEquals(10, s.duplicate());
        assertEquals(0, s.lost());
        assertEquals(100, s.popped());
    }

    @Test
    void aLossBurstIsConcealedForExactlyItsLength() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 7, 0, 100, 0, i -> i >= 50 && i < 55 ? -1 : 0).run(jb, 2100);
        // 100 ms missing with nothing behind it: concealed for 60 ms, then silent until the next packet is due
        assertEquals("A8000 C480 S160 C160 A7200 C", sim.shape());
        assertEquals(5, jb.stats().lost());
        assertEquals(1, sim.discontinuities());
    }

    @Test
    void aPacketAfterItsTurnIsLateAndItsPlaceConcealed() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 0, 0, 100, 0, i -> i == 40 ? 300 : 0).run(jb, 2100);
        JitterStats s = jb.stats();
        assertEquals(1, s.late());
        assertEquals(1, s.lost());
        assertEquals("A6400 C160 A9440 C", sim.shape());
        assertEquals(20.0, s.targetDelayMs(), "a single spike does not set the delay");
    }

    @Test
    void sequenceAndTimestampWrapAroundPlayOn() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 65500, 0xFFFFFFFFL - 160 * 40, 100, 0, i -> i % 3 == 0 ? 12 : 0)
                .run(jb, 2200);
        assertEquals(0, sim.discontinuities());
        assertEquals(100 * 160, sim.audio.size());
        assertEquals(0, jb.stats().lost());
    }

    @Test
    void aNewSsrcRestartsTheBuffer() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 100, 0, 50, 0, i -> 0)
                .send(0xBEEF, 40000, 123456789, 50, 1200, i -> 0).run(jb, 2300);
        JitterStats s = jb.stats();
        assertEquals(1, s.sourceChanges());
        assertEquals(100, s.popped());
        assertEquals(0, s.lost());
        // the second source starts over at sample 0 of its own pattern: one discontinuity
        assertEquals(1, sim.discontinuities());
        assertEquals(100 * 160, sim.audio.size());
    }

    @Test
    void aSequenceJumpWithTheSameSsrcRestartsToo() {
        JitterBuffer jb = buffer();
        new StreamSim().send(SSRC, 100, 0, 50, 0, i -> 0).send(SSRC, 30000, 0, 50, 1200, i -> 0).run(jb, 2300);
        assertEquals(1, jb.stats().sourceChanges());
        assertEquals(100, jb.stats().popped());
    }

    @Test
    void theTargetDelayFollowsTheMeasuredJitterWithinItsBounds() {
        Random random = new Random(7);
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 0, 0, 500, 0, i -> random.nextInt(61)).run(jb, 10_300);
        JitterStats s = jb.stats();
        assertTrue(s.peakJitterMs() >= 55 && s.peakJitterMs() <= 61, s.toString());
        assertTrue(s.targetDelayMs() >= 65 && s.targetDelayMs() <= 71, s.toString());
        // once grown (within the first second), no packet misses its turn
        int after = sim.kinds.indexOf("A") + 8000;
        int end = sim.kinds.lastIndexOf("A");
        assertEquals(-1, sim.kinds.substring(after, end).indexOf('C'), sim.shape());
        assertTrue(s.lost() + s.late() <= 10, s.toString());
        int settled = sim.delays.get(sim.delays.size() - 1);
        assertTrue(Math.abs(settled - s.targetDelayMs()) <= 10, settled + " vs " + s);

        JitterBuffer wild = buffer();
        new StreamSim().send(SSRC, 0, 0, 300, 0, i -> random.nextInt(600)).run(wild, 7000);
        assertEquals(200.0, wild.stats().targetDelayMs());
    }

    @Test
    void theDelayShrinksBackWhenTheJitterGoesAway() {
        JitterBuffer jb = buffer();
        StreamSim sim = new StreamSim().send(SSRC, 0, 0, 600, 0, i -> i < 150 ? (i % 4) * 40 : 0).run(jb, 12_100);
        int worst = sim.delays.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(worst >= 120, "grew to " + worst);
        int end = sim.delays.get(sim.delays.size() - 1);
        assertTrue(end <= 30, "back to " + end + ": " + jb.stats());
        assertTrue(jb.stats().droppedFrames() >= 9, jb.stats().toString());
    }

    @Test
    void aPauseInTheTimelineIsSilenceNotLoss() {
        JitterBuffer jb = buffer();
        // 50 packets, then the sender pauses 1 s and resumes with continuous sequence numbers
        StreamSim sim = new StreamSim().send(SSRC, 0, 0, 50, 0, i -> 0).send(SSRC, 50, 50 * 160 + 8000, 50, 2000,
                i -> 0).run(jb, 3100);
        assertEquals("A8000 C480 S7520 A8000 C", sim.shape());
        assertEquals(0, jb.stats().lost());
    }

    @Test
    void emptyPayloadsHoldTheirPlaceInTheSequence() {
        JitterBuffer jb = buffer();
        byte[] none = new byte[0];
        byte[] audio = new byte[160];
        assertEquals(PushResult.RESTARTED, jb.push(SSRC, 1, 0, audio, 0, 160, 0));
        assertEquals(PushResult.ACCEPTED, jb.push(SSRC, 2, 160, none, 0, 0, 0));
        assertEquals(PushResult.ACCEPTED, jb.push(SSRC, 3, 160, audio, 0, 160, 20 * StreamSim.MS));
        assertEquals(PushResult.DUPLICATE, jb.push(SSRC, 3, 160, audio, 0, 160, 21 * StreamSim.MS));
        byte[] out = new byte[320];
        int filled = 0;
        long t = 40 * StreamSim.MS;
        while (filled < 320) {
            assertEquals(Playout.AUDIO, jb.pop(t, out, filled, 320 - filled));
            filled += jb.lastCount();
        }
        assertEquals(0, jb.stats().lost());
        assertEquals(2, jb.stats().pushed());
        assertEquals(PushResult.DUPLICATE, jb.push(SSRC, 3, 160, audio, 0, 160, 60 * StreamSim.MS));
        assertEquals(PushResult.LATE, jb.push(SSRC, 0, -160, audio, 0, 160, 60 * StreamSim.MS));
    }
}
