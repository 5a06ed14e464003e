package io.rtc2sip.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.e2e.SignalingCallsTestAccess;
import io.rtc2sip.tests.support.TestNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dial plan's limits cost a call's setup: the time from a `call` request to its result
 * on one node (embedded PostgreSQL), alternating a user without limits (no admission) and a user
 * with limits (its session persists CallAdmitted before the call dials), so that load on the
 * machine weighs on both alike. The far end never answers; each call is hung up at once.
 * Writes tests/target/admission-cost.txt. Not part of the build (tag slow):
 * ./mvnw -o -q -B -pl tests -am test -Dtest=AdmissionCostTest -Dsurefire.excludedGroups=
 *     -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("slow")
class AdmissionCostTest {
  private static final int CALLS = 400;
  @TempDir Path dir;

  @Test
  void callSetupWithAndWithoutLimits() throws Exception {
    try (DatagramSocket trap = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        TestNode node = TestNode.start(dir, Sipp.freeUdpPort(),
            Map.of("rtc2sip.call.cancel-timeout", "1s",
                "rtc2sip.dial-plan.users.limited.max-concurrent-calls", 1000))) {
      String to = "sip:nobody@127.0.0.1:" + trap.getLocalPort();
      List<Double> free = new ArrayList<>();
      List<Double> limited = new ArrayList<>();
      try (var f = SignalingCallsTestAccess.phone("free", node.signalingPort);
          var l = SignalingCallsTestAccess.phone("limited", node.signalingPort)) {
        for (int i = 0; i < CALLS + 20; i++) {
          var p = i % 2 == 0 ? f : l;
          long t0 = System.nanoTime();
          JsonNode r = SignalingCallsTestAccess.request(p,
              "{\"type\":\"call\",\"to\":\"" + to + "\"}");
          long t1 = System.nanoTime();
          if (!"result".equals(r.get("type").asText())) {
            throw new AssertionError(r.toString());
          }
          if (i >= 20) {
            (i % 2 == 0 ? free : limited).add((t1 - t0) / 1e6);
          }
          SignalingCallsTestAccess.request(p,
              "{\"type\":\"hangup\",\"callId\":\"" + r.get("callId").asText() + "\"}");
        }
      }
      String report = line("without limits", free) + line("with limits", limited);
      Files.writeString(Path.of("target", "admission-cost.txt"), report);
      System.out.print(report);
    }
  }

  private static String line(String what, List<Double> ms) {
    Collections.sort(ms);
    return String.format("%s: n=%d p50=%.1f p90=%.1f p99=%.1f mean=%.1f ms%n", what, ms.size(),
        ms.get(ms.size() / 2), ms.get(ms.size() * 9 / 10), ms.get(ms.size() * 99 / 100),
        ms.stream().mapToDouble(d -> d).average().orElse(0));
  }
}
