package io.rtc2sip.codec.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Synthetic streams of 20 ms packets at 48 kHz on a simulated clock, played out by a consumer
 * that, like a browser leg, pops a packet whenever less than 10 ms of decoded audio is left.
 * Payload byte 0 is the packet's index, so order and gaps show in what comes out.
 */
class FrameJitterBufferTest {
  private static final long MS = 1_000_000L;
  private static final int FRAME = 960;
  private static final int SSRC = 0xF00D;

  private record Packet(int ssrc, int seq, int ts, int index, long arrivalNanos) {}

  /** The stream and what the buffer made of it. */
  private static final class Sim {
    final List<Packet> packets = new ArrayList<>();
    /** One token per pop: A<index>, C (conceal), F<index> (conceal with the packet after it), S. */
    final List<String> out = new ArrayList<>();

    /** {@code count} packets sent every 20 ms from {@code startMs}, 30 ms + extra on the way. */
    Sim send(int ssrc, int firstSeq, long firstTs, int count, long startMs, IntToLongFunction extraMs) {
      for (int i = 0; i < count; i++) {
        long extra = extraMs.applyAsLong(i);
        if (extra >= 0) {
          packets.add(new Packet(ssrc, (firstSeq + i) & 0xFFFF, (int) (firstTs + (long) FRAME * i),
              i, (startMs + 20L * i + 30 + extra) * MS));
        }
      }
      return this;
    }

    Sim run(FrameJitterBuffer jb, long durationMs) {
      List<Packet> byArrival = new ArrayList<>(packets);
      byArrival.sort(Comparator.comparingLong(Packet::arrivalNanos));
      byte[] payload = new byte[40];
      byte[] dst = new byte[1275];
      int next = 0;
      int buffered = 0; // decoded samples not yet played
      for (long t = 0; t < durationMs * MS; t += 10 * MS) {
        while (next < byArrival.size() && byArrival.get(next).arrivalNanos() <= t) {
          Packet p = byArrival.get(next++);
          payload[0] = (byte) (p.index() >> 8);
          payload[1] = (byte) p.index();
          jb.push(p.ssrc(), p.seq(), p.ts(), FRAME, payload, 0, payload.length, p.arrivalNanos());
        }
        while (buffered < 480) {
          Playout kind = jb.pop(t, dst);
          String token = switch (kind) {
            case AUDIO -> "A" + index(dst);
            case CONCEAL -> jb.lastRedundant() ? "F" + index(dst) : "C";
            case SILENT -> "S";
          };
          out.add(token);
          buffered += jb.lastSamples();
        }
        buffered -= 480;
      }
      return this;
    }

    private static int index(byte[] payload) {
      return (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
    }

    /** The tokens after the first audio, runs of S and C counted ("A0 A1 C C2 S3"). */
    String shape() {
      int from = 0;
      while (from < out.size() && !out.get(from).startsWith("A")) {
        from++;
      }
      StringBuilder sb = new StringBuilder();
      for (int i = from; i < out.size();) {
        String t = out.get(i);
        int j = i + 1;
        if (t.equals("S") || t.equals("C")) {
          while (j < out.size() && out.get(j).equals(t)) {
            j++;
          }
        }
        sb.append(sb.length() == 0 ? "" : " ").append(t).append(j - i > 1 ? String.valueOf(j - i) : "");
        i = j;
      }
      return sb.toString();
    }

    List<Integer> audio() {
      return out.stream().filter(s -> s.startsWith("A")).map(s -> Integer.parseInt(s.substring(1)))
          .toList();
    }
  }

  private static FrameJitterBuffer buffer() {
    return new FrameJitterBuffer(JitterConfig.opus());
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  @Test
  void aPerfectStreamPlaysEveryPacketInOrderAfterTheMinimumDelay() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim().send(SSRC, 100, 7000, 50, 0, i -> 0).run(jb, 1150);
    assertEquals(range(0, 50), sim.audio());
    JitterStats s = jb.stats();
    assertEquals(50, s.popped());
    assertEquals(0, s.lost() + s.late() + s.duplicate() + s.stretchedFrames() + s.droppedFrames());
    assertEquals(20.0, s.targetDelayMs());
    // the first packet arrives at 30 ms and plays once it is 20 ms old, at 50 ms: silence from
    // 0 to 20, 20 to 40 (nothing yet), 40 to 50 (waiting for the delay)
    assertEquals(List.of("S", "S", "S", "A0"), sim.out.subList(0, 4));
  }

  @Test
  void reordersSwappedPacketsAndDropsDuplicates() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim()
        .send(SSRC, 0, 0, 60, 0, i -> i % 2 == 0 ? 15 : 0)
        .send(SSRC, 0, 0, 60, 0, i -> i % 10 == 3 ? 5 : -1)
        .run(jb, 1500);
    assertEquals(range(0, 60), sim.audio());
    assertEquals(6, jb.stats().duplicate());
    assertEquals(0, jb.stats().lost());
  }

  @Test
  void aSingleLossIsConcealedWithThePacketAfterItForRecovery() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim().send(SSRC, 0, 0, 10, 0, i -> i == 4 ? -1 : 0).run(jb, 280);
    assertTrue(sim.shape().startsWith("A0 A1 A2 A3 F5 A5 A6 A7 A8 A9"), sim.shape());
    assertEquals(1, jb.stats().lost());
  }

  @Test
  void aLossBurstAtTheEndIsConcealedForSixtyMillisecondsThenSilent() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim().send(SSRC, 0, 0, 10, 0, i -> 0).run(jb, 500);
    assertTrue(sim.shape().startsWith("A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 C3 S"), sim.shape());
  }

  @Test
  void aBurstInTheMiddleIsConcealedForItsLengthAndTheStreamGoesOn() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim().send(SSRC, 0, 0, 20, 0, i -> i >= 5 && i < 8 ? -1 : 0).run(jb, 500);
    assertTrue(sim.shape().startsWith("A0 A1 A2 A3 A4 C2 F8 A8 A9"), sim.shape());
    assertEquals(3, jb.stats().lost());
  }

  @Test
  void aPacketAfterItsTurnIsLate() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim().send(SSRC, 0, 0, 20, 0, i -> i == 6 ? 200 : 0).run(jb, 600);
    assertEquals(1, jb.stats().late());
    assertTrue(!sim.audio().contains(6), sim.shape());
    assertTrue(sim.audio().containsAll(List.of(5, 7, 19)), sim.shape());
  }

  @Test
  void jitterGrowsTheDelayByConcealingAndPacketsStillPlayInOrder() {
    FrameJitterBuffer jb = buffer();
    // every fifth packet 50 ms late
    Sim sim = new Sim().send(SSRC, 0, 0, 150, 0, i -> i % 5 == 2 ? 50 : 0).run(jb, 3300);
    JitterStats s = jb.stats();
    assertTrue(s.targetDelayMs() >= 60, s.toString());
    assertTrue(s.stretchedFrames() > 0, s.toString());
    List<Integer> audio = sim.audio();
    for (int i = 1; i < audio.size(); i++) {
      assertTrue(audio.get(i) > audio.get(i - 1), "out of order at " + i + ": " + sim.shape());
    }
    // once grown, nothing more is late
    assertTrue(audio.containsAll(range(50, 150)), sim.shape());
  }

  @Test
  void aNewSourceRestartsTheBuffer() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim()
        .send(SSRC, 10, 0, 10, 0, i -> 0)
        .send(SSRC + 1, 5000, 123456, 10, 400, i -> 0)
        .run(jb, 800);
    assertEquals(1, jb.stats().sourceChanges());
    assertEquals(20, jb.stats().popped(), sim.shape());
  }

  @Test
  void sequenceAndTimestampWrapAroundPlayContiguously() {
    FrameJitterBuffer jb = buffer();
    Sim sim = new Sim().send(SSRC, 65530, 0xFFFFFFFFL - 2 * FRAME, 20, 0, i -> 0).run(jb, 600);
    assertEquals(range(0, 20), sim.audio());
  }

  @Test
  void aPauseInTheTimelineIsSilentNotLost() {
    FrameJitterBuffer jb = buffer();
    // consecutive sequence numbers, timestamps jump by 100 ms after packet 4 (discontinuous
    // transmission); the sender also pauses on the wire
    Sim sim = new Sim()
        .send(SSRC, 0, 0, 5, 0, i -> 0)
        .send(SSRC, 5, 5 * FRAME + 4800, 5, 200, i -> 0)
        .run(jb, 600);
    assertEquals(List.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4), sim.audio());
    assertEquals(0, jb.stats().lost());
  }

  @Test
  void aPacketLongerThanTheSlotsIsRefused() {
    FrameJitterBuffer jb = buffer();
    assertEquals(PushResult.OVERFLOW, jb.push(SSRC, 1, 0, FRAME, new byte[1300], 0, 1300, 0));
    assertEquals(PushResult.RESTARTED, jb.push(SSRC, 1, 0, FRAME, new byte[10], 0, 10, 0));
  }
}
