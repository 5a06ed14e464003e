package io.rtc2sip.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A gateway node in a JVM of its own, started from this test's class path, whose output is kept
 * (in memory, to wait on it, and in a log file under target/ for the post-mortem).
 */
public final class NodeProcess implements AutoCloseable {
  /**
   * The node's own logging configuration (app's logback.xml), as in production: the test class
   * path may also hold a module's logback-test.xml (a reactor build of a few modules puts their
   * test classes on it), which logback would prefer.
   */
  public static final String LOGGING = "-Dlogback.configurationFile=logback.xml";

  private final String name;
  private final Process process;
  private final OutputLines lines;
  private final Thread pump;

  private NodeProcess(String name, Process process, Path logFile) throws IOException {
    this.name = name;
    this.process = process;
    this.lines = new OutputLines(name);
    PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
    this.pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  log.println(line);
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              } finally {
                log.close();
              }
            },
            "node-output-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code mainClass} with the current class path and the given environment additions,
   * with the command {@code run} as its argument (the node's main, {@code io.rtc2sip.app.Main},
   * starts nothing without a command; other mains of the tests ignore it).
   *
   * @param logDir where {@code <name>.log} is written
   */
  public static NodeProcess start(String name, String mainClass, Map<String, String> env, Path logDir)
      throws IOException {
    return start(name, mainClass, env, logDir, List.of("run"));
  }

  /** As {@link #start(String, String, Map, Path)}, with the main's arguments given. */
  public static NodeProcess start(
      String name, String mainClass, Map<String, String> env, Path logDir, List<String> args)
      throws IOException {
    Files.createDirectories(logDir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(
        List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", NodeProcess.LOGGING, "-cp",
            System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> e = new HashMap<>(pb.environment());
    e.keySet().removeIf(k -> k.startsWith("RTC2SIP_"));
    e.putAll(env);
    pb.environment().clear();
    pb.environment().putAll(e);
    return new NodeProcess(name, pb.start(), logDir.resolve(name + ".log"));
  }

  /** Waits for a line matching {@code match}; fails with the output's tail when it does not come. */
  public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return lines.await(match, timeout, () -> process.isAlive() || pump.isAlive(),
        () -> " (process exited)");
  }

  /** All lines so far that match. */
  public List<String> linesMatching(Predicate<String> match) {
    return lines.matching(match);
  }

  public String tail(int n) {
    return lines.tail(n);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the node gets no chance to leave the cluster or hand over its shards. */
  public void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the process is paused (as by a long GC pause); its sockets stay open. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
        .inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    // Process.destroy() would also close our end of its output, losing what it logs while stopping.
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM; last lines:\n" + tail(30));
    }
    pump.join(10_000); // the rest of its output
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
