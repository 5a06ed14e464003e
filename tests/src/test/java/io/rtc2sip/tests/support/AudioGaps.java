package io.rtc2sip.tests.support;

import io.rtc2sip.rtc.loopback.Wire;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Audio gaps read off a capture of the loopback RTC network: the frames the gateway sends to the
 * clients (uid {@code gw-<callId>}), per call, and the longest time between two that carry sound.
 * Frames come every 10 ms while a call's audio flows; silence and missing frames count as gap.
 */
public final class AudioGaps {
  /** Mean absolute sample value above which a 10 ms frame carries sound (full scale 32767). */
  private static final int SOUND = 300;

  private AudioGaps() {}

  /** Capture times (µs) of the gateway's frames with sound, by call id, in capture order. */
  public static Map<String, List<Long>> soundFromGateway(List<LoopbackCapture.Datagram> datagrams) {
    Map<String, List<Long>> out = new HashMap<>();
    short[] samples = new short[Wire.SAMPLES];
    for (LoopbackCapture.Datagram d : datagrams) {
      Wire.Packet p = Wire.decode(ByteBuffer.wrap(d.payload()), samples);
      if (p == null || p.type() != Wire.FRAME || !p.uid().startsWith("gw-") || !loud(samples)) {
        continue;
      }
      out.computeIfAbsent(p.uid().substring(3), k -> new ArrayList<>()).add(d.micros());
    }
    return out;
  }

  /**
   * The longest time without sound within [from, to] (µs): between two sound frames, or from
   * {@code from} to the first, or from the last to {@code to}.
   */
  public static long longestGapMicros(List<Long> sound, long from, long to) {
    long last = from;
    long longest = 0;
    for (long t : sound) {
      if (t < from) {
        continue;
      }
      if (t > to) {
        break;
      }
      longest = Math.max(longest, t - last);
      last = t;
    }
    return Math.max(longest, to - last);
  }

  private static boolean loud(short[] samples) {
    long sum = 0;
    for (short s : samples) {
      sum += Math.abs(s);
    }
    return sum / samples.length > SOUND;
  }

  /** min, median, p99 and max of {@code values}, for a line of figures. */
  public static String distribution(List<Long> values) {
    List<Long> v = new ArrayList<>(values);
    v.sort(null);
    if (v.isEmpty()) {
      return "no values";
    }
    return String.format("min %d, median %d, p99 %d, max %d (n=%d)", v.get(0),
        v.get(v.size() / 2), v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.99) - 1)),
        v.get(v.size() - 1), v.size());
  }
}
