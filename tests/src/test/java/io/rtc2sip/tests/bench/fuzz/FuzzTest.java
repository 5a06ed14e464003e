package io.rtc2sip.tests.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fuzz run, short (a few thousand inputs) in CI; {@code bench/fuzz.sh [scale]} runs it at
 * full size through this test with {@code FUZZ_SCALE} set. Fails when the node dies, does not
 * give back pending INVITEs, RTP ports, browser legs or calls, keeps more heap, or cannot place
 * a normal call afterwards. The table of figures is in target/fuzz-*&#47;summary.txt.
 *
 * <p>It found, and now guards: call entities started under Call-IDs holding NUL bytes (their
 * recovery failed forever and opened the journal's circuit breaker for every entity), stack
 * traces per bad datagram, Via ports and call targets out of 1-65535, and SDP lines the SDP
 * library printed traces for (docs/security.md, "Fuzzing").
 */
class FuzzTest {
  @Test
  void afterFuzzedSipSignalingAndMediaTheNodeLivesGivesEverythingBackAndTakesACall()
      throws Exception {
    String env = System.getenv("FUZZ_SCALE");
    double scale = env == null || env.isBlank() ? 0.03 : Double.parseDouble(env);
    boolean full = scale >= 0.5;
    Path dir = Path.of("target", "fuzz-" + ProcessHandle.current().pid()).toAbsolutePath();
    Fuzz.Result result = Fuzz.run(new Fuzz.Settings(scale, 13, dir, full ? "1g" : "512m",
        full ? 1000 : 40, Duration.ofSeconds(full ? 120 : 45)));
    System.out.println(result.table());
    assertTrue(result.ok(), result.failed() + "\n" + result.table());
  }
}
