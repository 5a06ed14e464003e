package io.rtc2sip.sip;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kamailio (registrar with digest auth, record-routing proxy) from the test
 * configuration, on a free loopback port; logs under target/kamailio-&lt;port&gt;. Users and
 * passwords are in the configuration (alice/alice123, bob/bob123, any other user: password).
 */
public final class Kamailio implements AutoCloseable {
  public final int port;
  /** The SIP over TLS port; -1 without TLS. */
  public final int tlsPort;
  private final Process process;
  private final Path dir;

  private Kamailio(int port, int tlsPort, Process process, Path dir) {
    this.port = port;
    this.tlsPort = tlsPort;
    this.process = process;
    this.dir = dir;
  }

  public static Kamailio start() throws Exception {
    return start(false);
  }

  /** With {@code inviteAuth}, every initial INVITE is challenged with 407. */
  public static Kamailio start(boolean inviteAuth) throws Exception {
    return start(inviteAuth, null);
  }

  /**
   * SIP over TLS too, on {@link #tlsPort}: Kamailio presents {@code certificate} (with
   * {@code key}, PEM) and, as a client, does not check the servers it connects to.
   */
  public static Kamailio startTls(Path certificate, Path key) throws Exception {
    return start(false, new Tls(certificate, key));
  }

  private record Tls(Path certificate, Path key) {}

  private static Kamailio start(boolean inviteAuth, Tls tls) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/sbin/kamailio"))) {
      throw new IllegalStateException("kamailio is not installed: apt-get install kamailio"
          + " (.ci/run installs it)");
    }
    int port = Sipp.freeUdpPort();
    Path dir = Path.of("target", "kamailio-" + port).toAbsolutePath();
    Files.createDirectories(dir);
    for (String f : List.of("kamailio.cfg", "dispatcher.list")) {
      try (InputStream in = Kamailio.class.getResourceAsStream("/kamailio/" + f)) {
        Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> cmd = new java.util.ArrayList<>(List.of("kamailio", "-f",
        dir.resolve("kamailio.cfg").toString(), "-DD", "-E", "-A", "WITH_AUTH", "-m", "64", "-M",
        "16", "-Y", dir.toString(), "-P", dir.resolve("kamailio.pid").toString(), "-w",
        dir.toString()));
    if (inviteAuth) {
      cmd.addAll(List.of("-A", "WITH_INVITE_AUTH"));
    }
    int tlsPort = -1;
    if (tls != null) {
      tlsPort = Sipp.freeUdpPort();
      Files.writeString(dir.resolve("tls.cfg"), String.join("\n",
          "[server:default]",
          "method = TLSv1.2+",
          "verify_certificate = no",
          "require_certificate = no",
          "certificate = " + tls.certificate().toAbsolutePath(),
          "private_key = " + tls.key().toAbsolutePath(),
          "",
          "[client:default]",
          "method = TLSv1.2+",
          "verify_certificate = no",
          "require_certificate = no",
          ""));
      cmd.addAll(List.of("-A", "WITH_TLS"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("kamailio.log").toFile());
    pb.environment().putAll(Map.of(
        "KAM_LISTEN", "udp:127.0.0.1:" + port,
        "KAM_LISTEN_TCP", "tcp:127.0.0.1:" + port,
        "KAM_LISTEN_TLS", "tls:127.0.0.1:" + tlsPort,
        "KAM_TLS_CFG", dir.resolve("tls.cfg").toString(),
        "KAM_DSLIST", dir.resolve("dispatcher.list").toString(),
        "KAM_CTL", "unix:" + dir.resolve("kamailio_ctl")));
    Kamailio k = new Kamailio(port, tlsPort, pb.start(), dir);
    k.awaitOptions();
    return k;
  }

  /** Waits until Kamailio answers an OPTIONS. */
  private void awaitOptions() throws Exception {
    awaitOptions(process, port, this::log);
  }

  /** What a Kamailio has logged so far (for a failure's message). */
  public interface LogSource {
    String read() throws IOException;
  }

  /**
   * Waits until the Kamailio {@code process} answers an OPTIONS on 127.0.0.1:{@code port} (20 s
   * at most); fails with its log when it exits or does not answer.
   */
  public static void awaitOptions(Process process, int port, LogSource log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(300);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("kamailio exited: " + log.read());
        }
        String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime()
            + "\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.1>\r\n"
            + "Call-ID: probe" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            + "Content-Length: 0\r\n\r\n";
        byte[] b = options.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
        try {
          DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
          s.receive(p);
          return;
        } catch (SocketTimeoutException notYet) {
          // starting
        }
      }
    }
    throw new IllegalStateException("kamailio did not answer OPTIONS within 20 s: " + log.read());
  }

  public String log() throws IOException {
    Path l = dir.resolve("kamailio.log");
    return Files.exists(l) ? Files.readString(l) : "";
  }

  @Override
  public void close() throws InterruptedException {
    stop(process);
  }

  /** Stops a Kamailio this test started, and the children it forked (SIGTERM, then SIGKILL). */
  public static void stop(Process process) throws InterruptedException {
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
