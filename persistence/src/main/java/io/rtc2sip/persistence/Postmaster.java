package io.rtc2sip.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL server running on a data directory, as its {@code postmaster.pid} names it.
 * It is stopped with SIGQUIT (PostgreSQL's immediate shutdown: its processes end at once, the
 * next start replays the WAL); {@code pg_ctl} would refuse to run as root, which the embedded
 * server's binaries allow.
 *
 * @param process the server's main process
 * @param executable the server's binary
 */
record Postmaster(ProcessHandle process, Path executable, Path dataDir) {

  /**
   * The live server of {@code dataDir}, if its pid file names a running PostgreSQL started on
   * that directory (a pid file left by a crash may name a process that reused the pid).
   */
  static Optional<Postmaster> of(Path dataDir) {
    Optional<Long> pid = pidInFile(dataDir);
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid.get())
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments()
            .map(args -> java.util.Arrays.asList(args).contains(dataDir.toString())).orElse(false))
        .flatMap(p -> p.info().command().map(Path::of)
            .filter(exe -> exe.getFileName().toString().equals("postgres"))
            .map(exe -> new Postmaster(p, exe, dataDir)));
  }

  private static Optional<Long> pidInFile(Path dataDir) {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      return Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // no pid file, or one being written: no server to speak of
    }
  }

  /**
   * A shell command that stops this server if it still runs on its data directory (the pid file
   * still names it, so a reused pid is never signalled).
   */
  String stopScript() {
    long pid = process.pid();
    return "[ \"$(head -n 1 '" + dataDir.resolve("postmaster.pid") + "' 2>/dev/null)\" = " + pid
        + " ] && kill -QUIT " + pid;
  }

  /** Stops the server in immediate mode; true once its process is gone. */
  boolean stop() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("sh", "-c", stopScript()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    kill.waitFor(10, TimeUnit.SECONDS);
    try {
      process.onExit().get(20, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }
}
