package io.rtc2sip.tests.failover;

import io.rtc2sip.tests.e2e.Tones;
import io.rtc2sip.tests.support.AudioGaps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover bench (bench/failover.sh, not in CI): M runs of the failover test's scenario with
 * N calls each (three nodes behind the Kamailio front, a sipp far end and a client CLI user per
 * call, tone both ways); in each run the busiest node is killed (SIGKILL), then the busiest
 * survivor is stopped (SIGTERM). Prints each run's figures, then the gap per moved call over all
 * runs (min, median, p99, max), per failure and direction.
 *
 * <p>usage: FailoverBench [CALLS=12] [RUNS=3]
 */
public final class FailoverBench {
  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Long> killClient = new ArrayList<>();
    List<Long> killSip = new ArrayList<>();
    List<Long> termClient = new ArrayList<>();
    List<Long> termSip = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Path dir = Files.createTempDirectory("rtc2sip-failover-bench");
      Path tone = dir.resolve("tone.wav");
      Tones.writeWav8k(tone, 1000, 300);
      try (GatewayCluster cluster = GatewayCluster.start(dir, 3, dir.resolve("logs"));
          FailoverRun run = FailoverRun.place(cluster, calls, tone, dir)) {
        GatewayCluster.Node victim = run.busiest();
        FailoverRun.Outcome killed = run.kill(victim);
        GatewayCluster.Node leaving = run.busiest();
        FailoverRun.Outcome left = run.terminate(leaving);
        System.out.printf("run %d: SIGKILL %s (%d calls): to client %s; to SIP %s%n", r,
            victim.name(), killed.moved().size(), killed.toClient(), killed.toSip());
        System.out.printf("run %d: SIGTERM %s (%d calls): to client %s; to SIP %s%n", r,
            leaving.name(), left.moved().size(), left.toClient(), left.toSip());
        killClient.addAll(killed.toClient());
        killSip.addAll(killed.toSip());
        termClient.addAll(left.toClient());
        termSip.addAll(left.toSip());
      }
    }
    System.out.println("gap per moved call, ms, over " + runs + " runs of " + calls + " calls:");
    System.out.println("  SIGKILL, SIP -> client: " + AudioGaps.distribution(killClient));
    System.out.println("  SIGKILL, client -> SIP: " + AudioGaps.distribution(killSip));
    System.out.println("  SIGTERM, SIP -> client: " + AudioGaps.distribution(termClient));
    System.out.println("  SIGTERM, client -> SIP: " + AudioGaps.distribution(termSip));
    System.exit(0);
  }
}
