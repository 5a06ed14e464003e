package io.rtc2sip.tests.support;

import io.rtc2sip.codec.g711.G711;
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
   * Capture times (µs) of the G.711 RTP packets (PCMU or PCMA) with sound sent to UDP port
   * {@code port} (a SIP far end's media port), in capture order.
   */
  public static List<Long> soundTo(List<LoopbackCapture.Datagram> datagrams, int port) {
    List<Long> out = new ArrayList<>();
    for (LoopbackCapture.Datagram d : datagrams) {
      if (d.destinationPort() != port) {
        continue;
      }
      byte[] p = d.payload();
      int pt = p.length > 12 ? p[1] & 0x7F : -1;
      if ((p[0] & 0xC0) != 0x80 || (pt != 0 && pt != 8)) {
        continue;
      }
      int header = 12 + (p[0] & 0x0F) * 4;
      short[] pcm = new short[Math.max(0, p.length - header)];
      G711 codec = pt == 0 ? G711.PCMU : G711.PCMA;
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = codec.decode(p[header + i]);
      }
      if (pcm.length > 0 && loud(pcm)) {
        out.add(d.micros());
      }
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
