package io.rtc2sip.persistence;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops the embedded PostgreSQL when the node's JVM is gone without stopping it (SIGKILL, a
 * crash): a small shell process reads a pipe from the JVM; the kernel closes the pipe when the
 * JVM dies, whatever the cause, and the shell then stops the server in immediate mode
 * ({@link Postmaster#stop()}). A node that stops normally says so on the pipe first and the shell just exits. Without
 * it, a killed node's server kept its port and data directory, and the next node on that
 * directory could not start.
 */
final class PostmasterWatchdog implements AutoCloseable {
  /** What the JVM writes when it stops the server itself. */
  private static final String RELEASED = "released";

  private final Process shell;

  private PostmasterWatchdog(Process shell) {
    this.shell = shell;
  }

  /**
   * @param log where the watchdog notes what it did (appended): the JVM that would read its
   *     output may be gone
   */
  static PostmasterWatchdog watch(Postmaster server, Path log) throws IOException {
    List<String> cmd = List.of("sh", "-c",
        "read -r line; [ \"$line\" = " + RELEASED + " ] && exit 0; "
            + "echo \"$(date -u +%FT%TZ) node gone: stopping PostgreSQL pid " + server.process().pid()
            + " (immediate)\"; " + server.stopScript(),
        "rtc2sip-postgres-watchdog");
    Process shell = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    return new PostmasterWatchdog(shell);
  }

  /** The node stops the server itself: the watchdog exits without touching it. */
  @Override
  public void close() {
    try (OutputStream pipe = shell.getOutputStream()) {
      pipe.write((RELEASED + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the shell is gone already
    }
    try {
      if (!shell.waitFor(5, TimeUnit.SECONDS)) {
        shell.destroyForcibly();
      }
    } catch (InterruptedException e) {
      shell.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
