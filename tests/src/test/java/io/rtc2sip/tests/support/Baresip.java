package io.rtc2sip.tests.support;

import io.rtc2sip.testkit.Until;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A real baresip phone, headless: plays a WAV into its calls, records what it hears
 * (rec/dump-*-dec.wav), auto-answers, takes console commands ({@code /dial}, {@code /hangup},
 * {@code /sndcode}) over TCP. Its log (verbose, with the DTMF it receives) is under {@code dir}.
 */
public final class Baresip implements AutoCloseable {
  public final int sipPort;
  public final Path dir;
  private final int consolePort;
  private final Process process;

  private Baresip(int sipPort, int consolePort, Path dir, Process process) {
    this.sipPort = sipPort;
    this.consolePort = consolePort;
    this.dir = dir;
    this.process = process;
  }

  public static Baresip start(Path dir, Path toneWav) throws Exception {
    return start(dir, toneWav, sip -> "<sip:phone@127.0.0.1:" + sip
        + ">;regint=0;answermode=auto;audio_codecs=pcma,pcmu", List.of(), false);
  }

  /**
   * A phone that speaks SIP over TLS (on its SIP port + 1, presenting {@code certificateAndKey},
   * one PEM file with both) and requires SRTP with SDES keys ({@code RTP/SAVP}, baresip's
   * {@code srtp-mand}), registered as {@code user} with {@code password} through the TLS proxy
   * and registrar at 127.0.0.1:{@code proxyTlsPort}. Note: baresip 1.0 does not check the
   * certificates of the servers it connects to.
   */
  public static Baresip startTlsSrtp(Path dir, Path toneWav, String user, String password,
      int proxyTlsPort, Path certificateAndKey) throws Exception {
    return start(dir, toneWav, sip -> "<sip:" + user + "@127.0.0.1;transport=tls>;auth_pass="
        + password + ";regint=60;outbound=\"sip:127.0.0.1:" + proxyTlsPort
        + ";transport=tls\";mediaenc=srtp-mand;answermode=auto;audio_codecs=pcma,pcmu",
        List.of("module srtp.so", "sip_certificate " + certificateAndKey.toAbsolutePath()), true);
  }

  private static Baresip start(Path dir, Path toneWav, IntFunction<String> account,
      List<String> extra, boolean tls) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/baresip"))) {
      throw new IllegalStateException("baresip is not installed: apt-get install baresip-core"
          + " (.ci/run installs it)");
    }
    int sip = tls ? withNextFree() : FreePorts.next();
    int console = FreePorts.next();
    int rtp = 30000 + (int) (ProcessHandle.current().pid() % 500) * 20;
    if (Files.exists(dir.resolve("rec"))) {
      try (Stream<Path> old = Files.list(dir.resolve("rec"))) {
        for (Path f : old.toList()) {
          Files.delete(f); // recordings of an earlier run
        }
      }
    }
    Files.createDirectories(dir.resolve("rec"));
    List<String> config = new ArrayList<>(List.of(
        "poll_method epoll",
        "sip_listen 127.0.0.1:" + sip,
        "call_local_timeout 120",
        "call_max_calls 4",
        "audio_player alsa,null",
        "audio_source aufile," + toneWav.toAbsolutePath(),
        "audio_alert alsa,null",
        "ausrc_srate 8000",
        "auplay_srate 8000",
        "ausrc_channels 1",
        "auplay_channels 1",
        "audio_buffer 20-160",
        "rtp_ports " + rtp + "-" + (rtp + 19),
        "rtcp_mux no",
        "rtp_timeout 0",
        "net_interface 127.0.0.1",
        "dns_server 127.0.0.1:53",
        "module_path /usr/lib/baresip/modules",
        "module cons.so",
        "module g711.so",
        "module alsa.so",
        "module aufile.so",
        "module sndfile.so",
        "module_tmp uuid.so",
        "module_tmp account.so",
        "module_app menu.so",
        "cons_listen 127.0.0.1:" + console,
        "snd_path " + dir.resolve("rec").toAbsolutePath(),
        "ringback_disabled yes",
        "statmode_default off"));
    config.addAll(extra);
    config.add("");
    Files.writeString(dir.resolve("config"), String.join("\n", config));
    Files.writeString(dir.resolve("accounts"), account.apply(sip) + "\n");
    Files.writeString(dir.resolve("contacts"), "");
    Process p = new ProcessBuilder("baresip", "-v", "-f", dir.toAbsolutePath().toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("baresip.log").toFile())
        .start();
    Baresip b = new Baresip(sip, console, dir, p);
    b.awaitConsole();
    return b;
  }

  /** A free loopback port whose next port is free too (baresip listens for TLS there). */
  private static int withNextFree() {
    for (int i = 0; i < 20; i++) {
      int port = FreePorts.next();
      try (java.net.ServerSocket next = new java.net.ServerSocket(port + 1, 1,
          java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback port pair");
  }

  /** Waits for "baresip is ready." in its log and its console port. */
  private void awaitConsole() {
    // another process starting: poll its log and console port
    Until.until(Duration.ofSeconds(20), Until.checking(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("baresip exited: " + log());
      }
      if (log().contains("baresip is ready")) {
        try (Socket s = new Socket("127.0.0.1", consolePort)) {
          return true;
        } catch (IOException notYet) {
          // the console opens a moment later
        }
      }
      return false;
    }), Until.probing(() -> "baresip ready: " + log()));
  }

  /**
   * Sends a console command such as {@code /dial sip:alice@127.0.0.1:5062} and reads baresip's
   * reply for a second (closing at once makes it drop the command while it writes its answer).
   */
  public String command(String line) throws IOException {
    try (Socket s = new Socket("127.0.0.1", consolePort)) {
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      StringBuilder reply = new StringBuilder();
      byte[] buf = new byte[4096];
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < deadline) {
        try {
          int n = s.getInputStream().read(buf);
          if (n < 0) {
            break;
          }
          reply.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (java.net.SocketTimeoutException quiet) {
          // nothing more for now
        }
      }
      return reply.toString();
    }
  }

  /**
   * Baresip's log once it holds {@code text}, or as it is after {@code within} (the caller
   * checks what it needs).
   */
  public String awaitLog(String text, Duration within) throws IOException {
    Until.holds(within, Until.checking(() -> log().contains(text))); // another process's log
    return log();
  }

  public String log() throws IOException {
    Path l = dir.resolve("baresip.log");
    return Files.exists(l) ? Files.readString(l) : "";
  }

  /**
   * The recording of what baresip heard in its call (decoded audio), if written; of its latest
   * call when it had several.
   */
  public Path recording() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("rec"))) {
      return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav"))
          .max(java.util.Comparator.comparing(Baresip::modified)).orElse(null);
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
