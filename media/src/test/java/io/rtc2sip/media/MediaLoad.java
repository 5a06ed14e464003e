package io.rtc2sip.media;

import com.sun.management.OperatingSystemMXBean;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.codec.g711.G711;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Load benchmark of the media bridge (not run in CI): N duplex calls on this machine, each with
 * a SIP-side peer socket sending 20 ms G.711 packets and receiving the bridge's, and an RTC leg
 * that plays and swallows 10 ms frames. Prints, after the measured window: RTP packets lost
 * inside the gateway (ring overflow), media clock ticks started late, RTP the peers did not get,
 * the gateway's queueing delay before the codec chain (p50/p99), CPU of the whole process and
 * of the media threads per 100 calls.
 *
 * <p>With a fourth argument of 3 to 8 each call is a conference of that many parties: the RTC
 * user, the call's own SIP peer and added parties, each SIP party a peer socket of its own and
 * a media leg with its own port, all mixed on the call's clock thread.
 *
 * <pre>
 *   ./mvnw -q -pl media -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.rtc2sip.media.MediaLoad -Dexec.args="500 30"
 *   ... -Dexec.args="75 20 2 4"     (75 four-party conferences, 20 s, 2 clock threads)
 * </pre>
 */
public final class MediaLoad {

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int parties = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    if (parties < 2 || parties > io.rtc2sip.codec.mix.Mixer.MAX_PARTIES) {
      throw new IllegalArgumentException("parties: 2 (a call) to 8 (a conference)");
    }
    int legs = parties - 1; // SIP legs per call: the RTC user is the other party
    int sockets = calls * legs;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "media-load");
    AtomicLong facts = new AtomicLong();
    LongAdder published = new LongAdder();
    MediaSettings settings = new MediaSettings("127.0.0.1", 40000, 40000 + 2 * sockets + 100,
        Duration.ZERO, Duration.ofSeconds(5), threads);
    short[] tone = new short[480];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
    }
    MediaBridge bridge = MediaBridge.start(system, settings, (id, m) -> facts.incrementAndGet(),
        (callId, leg, left) -> new RtcAudio() {
          @Override
          public void publish(short[] frame) {
            published.increment();
          }

          @Override
          public boolean poll(short[] out) {
            System.arraycopy(tone, 0, out, 0, out.length);
            return true;
          }

          @Override
          public void close() {}
        });

    DatagramChannel[] peers = new DatagramChannel[sockets];
    InetSocketAddress[] targets = new InetSocketAddress[sockets];
    Selector selector = Selector.open();
    for (int call = 0; call < calls; call++) {
      String id = "o-load-" + call;
      for (int leg = 0; leg < legs; leg++) {
        int i = call * legs + leg;
        String key = leg == 0 ? id : CallIds.partyLeg(id, leg + 1);
        peers[i] = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        peers[i].configureBlocking(false);
        peers[i].register(selector, SelectionKey.OP_READ);
        targets[i] = bridge.localRtp(key).orElseThrow();
        bridge.remoteDescribed(key, (InetSocketAddress) peers[i].getLocalAddress(),
            NegotiatedMedia.pcmu());
        bridge.port().tell(leg == 0
            ? new MediaCommand.Start(id, new RtcLeg("room-" + call, "u" + call),
                NegotiatedMedia.pcmu())
            : new MediaCommand.AddParty(id, leg + 1, NegotiatedMedia.pcmu()));
      }
    }

    LongAdder received = new LongAdder();
    Thread receiver = new Thread(() -> {
      ByteBuffer buf = ByteBuffer.allocate(1500);
      while (!Thread.currentThread().isInterrupted()) {
        try {
          selector.select(100);
          for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            DatagramChannel c = (DatagramChannel) k.channel();
            buf.clear();
            while (c.receive(buf) != null) {
              received.increment();
              buf.clear();
            }
          }
        } catch (Exception e) {
          return;
        }
      }
    }, "load-receiver");
    receiver.start();

    byte[] payload = new byte[160];
    short[] narrow = new short[160];
    for (int i = 0; i < 160; i++) {
      narrow[i] = (short) (6000 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
    }
    G711.PCMU.encode(narrow, 0, payload, 0, 160);
    ByteBuffer packet = ByteBuffer.allocate(172);
    int warmup = 3;
    long start = System.nanoTime();
    long windowStart = 0;
    long cpuStart = 0;
    long mediaCpuStart = 0;
    long receivedStart = 0;
    long lateStart = 0;
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int totalPackets = (warmup + seconds) * 50;
    for (int n = 0; n < totalPackets; n++) {
      if (n == warmup * 50) {
        windowStart = System.nanoTime();
        cpuStart = os.getProcessCpuTime();
        mediaCpuStart = mediaThreadsCpu();
        receivedStart = received.sum();
        lateStart = bridge.lateTicks();
        bridge.queueing().reset();
      }
      for (int i = 0; i < sockets; i++) {
        packet.clear();
        packet.put((byte) 0x80).put((byte) 0).putShort((short) n).putInt(n * 160).putInt(i)
            .put(payload).flip();
        peers[i].send(packet, targets[i]);
      }
      long due = start + (n + 1) * 20_000_000L;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long window = System.nanoTime() - windowStart;
    double cpu = (os.getProcessCpuTime() - cpuStart) / (double) window;
    double mediaCpu = (mediaThreadsCpu() - mediaCpuStart) / (double) window;
    long expectedToPeers = (long) sockets * seconds * 50;
    long gotByPeers = received.sum() - receivedStart;
    System.out.printf("media load: %d %s for %d s, %d media clock thread(s), %d cores%n",
        calls, parties == 2 ? "duplex calls" : parties + "-party conferences (" + sockets
            + " SIP legs)", seconds, threads, Runtime.getRuntime().availableProcessors());
    System.out.printf("  RTP packets lost inside the gateway (ring full): %d%n",
        bridge.droppedPackets());
    System.out.printf("  media clock ticks started late (> 5 ms): %d of %d%n",
        bridge.lateTicks() - lateStart, (long) seconds * 100 * threads);
    System.out.printf("  RTP to the peers: %d of %d expected (%.3f %% missing)%n", gotByPeers,
        expectedToPeers, 100.0 * (expectedToPeers - gotByPeers) / expectedToPeers);
    System.out.printf("  queueing before the codec chain: p50 %.2f ms, p99 %.2f ms%n",
        bridge.queueing().quantileMillis(0.5), bridge.queueing().quantileMillis(0.99));
    String unit = parties == 2 ? "calls" : "conferences";
    System.out.printf("  CPU: whole process %.1f %% of one core (%.1f %% per 100 %s), media"
            + " threads %.1f %% (%.1f %% per 100 %s)%n", 100 * cpu, 100 * cpu * 100 / calls,
        unit, 100 * mediaCpu, 100 * mediaCpu * 100 / calls, unit);
    receiver.interrupt();
    bridge.close();
    for (DatagramChannel p : peers) {
      p.close();
    }
    system.terminate();
  }

  private static long mediaThreadsCpu() {
    var threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("rtc2sip-media")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }
}
