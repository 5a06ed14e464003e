package io.rtc2sip.tests.bench;

import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.NodeTrust;
import io.rtc2sip.tests.support.TestNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What TLS costs a client's connection set-up on loopback: the time from the TCP connect to the
 * end of a full TLS handshake (no session resumption: a fresh client context each time) with a
 * node's signaling port, its HTTPS port ({@code tls = on}) and its SIP over TLS port (the
 * generated EC P-256 certificate), and a plain TCP connect for comparison. 20 warm-up connections per port, then
 * {@link #HANDSHAKES}. Writes tests/target/tls-handshake.txt. Not part of the build (tag slow):
 * ./mvnw -o -q -B -pl tests -am test -Dtest=TlsHandshakeCostTest -Dsurefire.excludedGroups=
 *     -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("slow")
class TlsHandshakeCostTest {
  private static final int HANDSHAKES = 50;
  private static final int WARM_UP = 20;
  @TempDir Path dir;

  @Test
  void handshakesOnLoopback() throws Exception {
    int sipPort = Sipp.freeUdpPort();
    int sipTlsPort = Sipp.freeUdpPort();
    try (TestNode node = TestNode.start(dir, sipPort, Map.of("rtc2sip.http.tls", "on",
        "rtc2sip.signaling.tls", "on", "rtc2sip.sip.tls.enabled", "on",
        "rtc2sip.sip.tls.port", sipTlsPort))) {
      Path certificate = NodeTrust.generatedCertificate(dir.resolve("node-" + sipPort));
      String report = line("signaling tls handshake", tls(node.signalingPort, certificate))
          + line("https handshake", tls(node.httpPort, certificate))
          + line("sip over tls handshake", tls(sipTlsPort, certificate))
          + line("plain tcp connect", plain(node.signalingPort));
      Files.writeString(Path.of("target", "tls-handshake.txt"), report);
      System.out.print(report);
    }
  }

  private static List<Double> tls(int port, Path certificate) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < WARM_UP + HANDSHAKES; i++) {
      SSLContext fresh = NodeTrust.trusting(certificate);
      long t0 = System.nanoTime();
      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        try (SSLSocket s = (SSLSocket) fresh.getSocketFactory().createSocket(tcp, "127.0.0.1",
            port, false)) {
          s.setSoTimeout(5000);
          s.startHandshake();
          long t1 = System.nanoTime();
          if (i >= WARM_UP) {
            ms.add((t1 - t0) / 1e6);
          }
        }
      }
    }
    return ms;
  }

  private static List<Double> plain(int port) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < WARM_UP + HANDSHAKES; i++) {
      long t0 = System.nanoTime();
      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        long t1 = System.nanoTime();
        if (i >= WARM_UP) {
          ms.add((t1 - t0) / 1e6);
        }
      }
    }
    return ms;
  }

  private static String line(String what, List<Double> ms) {
    Collections.sort(ms);
    return String.format("%s: n=%d p50=%.2f p90=%.2f max=%.2f ms%n", what, ms.size(),
        ms.get(ms.size() / 2), ms.get(ms.size() * 9 / 10), ms.get(ms.size() - 1));
  }
}
