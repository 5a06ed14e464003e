package io.rtc2sip.webrtc;

import io.rtc2sip.codec.pipeline.PacketSink;
import io.rtc2sip.codec.testing.ToneMeter;
import io.rtc2sip.media.srtp.SrtpKeys;
import io.rtc2sip.media.srtp.SrtpSession;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The compute a browser leg spends per 20 ms of a call, both directions, as the media clock runs
 * it but without sockets: encode and protect what the browser gets; authenticate, decrypt,
 * buffer and decode what it sends (packets made beforehand by a second codec, as a browser
 * would). Thread CPU time, not wall time (a shared machine's steal time is not the leg's), in
 * rounds of two seconds after a warm-up; prints the fastest and the median round.
 *
 * <p>usage: ./mvnw -q -pl webrtc -am install -DskipTests &amp;&amp; ./mvnw -q -pl webrtc exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.rtc2sip.webrtc.LegCost
 * [-Dexec.args="opus|pcmu [rounds] [complexity]"]
 */
public final class LegCost {
  private static final int TICKS_PER_ROUND = 200;

  public static void main(String[] args) throws Exception {
    String codec = args.length > 0 ? args[0] : "opus";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int complexity = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int warmup = 10;
    int ticks = (warmup + rounds) * TICKS_PER_ROUND;
    byte[] material = new byte[60];
    new SecureRandom().nextBytes(material);
    SrtpKeys keys = SrtpKeys.fromServerSide(material, 10);
    SrtpKeys browserKeys = new SrtpKeys(keys.receiveKey(), keys.receiveSalt(), keys.sendKey(),
        keys.sendSalt(), 10);

    // the browser's packets for the whole run, made first
    SrtpSession browser = new SrtpSession(browserKeys, 2222);
    List<byte[]> fromBrowser = new ArrayList<>();
    LegAudio browserCodec = audio(codec, complexity, 2222, (p, off, len) -> {
      SrtpSession.Packet packet = new SrtpSession.Packet(len + 32);
      System.arraycopy(p, off, packet.getBuffer(), 0, len);
      packet.reset(len);
      browser.protectRtp(packet);
      fromBrowser.add(Arrays.copyOf(packet.getBuffer(), packet.getLength()));
    });
    short[] frame = new short[LegAudio.FRAME];
    for (int t = 0; t < ticks; t++) {
      ToneMeter.sine(frame, 1000, 8000, 8000, (long) t * LegAudio.FRAME);
      browserCodec.push(frame);
    }

    SrtpSession ours = new SrtpSession(keys, 1111);
    SrtpSession.Packet out = new SrtpSession.Packet(1600);
    SrtpSession.Packet in = new SrtpSession.Packet(1600);
    LegAudio leg = audio(codec, complexity, 1111, (p, off, len) -> {
      System.arraycopy(p, off, out.getBuffer(), 0, len);
      out.reset(len);
      ours.protectRtp(out);
    });
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    short[] heard = new short[LegAudio.FRAME];
    short[] tone = new short[LegAudio.FRAME]; // 400 Hz: four whole periods per 10 ms
    ToneMeter.sine(tone, 400, 8000, 8000, 0);
    double[] perTwenty = new double[rounds];
    int next = 0;
    for (int round = 0; round < warmup + rounds; round++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < TICKS_PER_ROUND; i++) {
        int t = round * TICKS_PER_ROUND + i;
        leg.push(tone);
        if (t % 2 == 1 && next < fromBrowser.size()) {
          byte[] p = fromBrowser.get(next++);
          System.arraycopy(p, 0, in.getBuffer(), 0, p.length);
          in.reset(p.length);
          if (ours.unprotectRtp(in, 2222) == org.jitsi.srtp.SrtpErrorStatus.OK) {
            leg.received(in.getBuffer(), 0, in.getLength(), t * 10_000_000L);
          }
        }
        leg.pull(heard, t * 10_000_000L);
      }
      if (round >= warmup) {
        perTwenty[round - warmup] =
            (cpu.getCurrentThreadCpuTime() - t0) / 1000.0 / (TICKS_PER_ROUND / 2.0);
      }
    }
    Arrays.sort(perTwenty);
    double median = perTwenty[rounds / 2];
    System.out.printf(Locale.ROOT, "%s (complexity %d): %.1f us per 20 ms at best, %.1f median"
        + " = %.2f %% of a core per leg%n", codec, complexity, perTwenty[0], median,
        median / 200.0);
    leg.close();
    browserCodec.close();
  }

  private static LegAudio audio(String codec, int complexity, int ssrc, PacketSink sink)
      throws GeneralSecurityException {
    return switch (codec) {
      case "opus" -> new OpusAudio(new OpusCodec(complexity, 24000), 111, ssrc, 1, 1, sink);
      case "pcmu" -> new G711Audio(io.rtc2sip.codec.g711.G711.PCMU, 0, ssrc, 1, 1, sink,
          System::nanoTime);
      default -> throw new IllegalArgumentException(codec);
    };
  }

  private LegCost() {}
}
