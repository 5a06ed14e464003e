package io.rtc2sip.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program's {@code main} run as a process of its own, on the test's class path, with nothing
 * on its standard input: what a user of the command line sees (exit status, stdout, stderr).
 */
public final class JavaMain {

  /** How one run ended. */
  public record Outcome(int status, String stdout, String stderr) {}

  private JavaMain() {}

  /**
   * Runs {@code main} with {@code args}; fails (rather than hangs) when it is still running 30 s
   * later, as a program that started serving instead of printing would be.
   */
  public static Outcome run(Class<?> main, String... args)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(
        List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!exited) {
      throw new AssertionError(main.getName() + " still running 30 s later; output:\n" + out
          + err);
    }
    return new Outcome(p.exitValue(), out, err);
  }
}
