package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code rtc2sip} with no command or an unknown one prints its usage on stderr and starts
 * nothing; asked for help (itself or its {@code client}) it prints the usage on stdout.
 */
class MainUsageTest {

  private record Outcome(int status, String stdout, String stderr) {}

  private static Outcome main(String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(
        List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    // a node that starts instead would still run after this: the test fails rather than hangs
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(exited, "still running 30 s later; output:\n" + out + err);
    return new Outcome(p.exitValue(), out, err);
  }

  @Test
  void noCommandPrintsUsageAndExits2() throws Exception {
    Outcome o = main();
    assertEquals(2, o.status(), o.stdout() + o.stderr());
    assertTrue(o.stderr().contains("usage: rtc2sip <command>"), o.stderr());
    assertTrue(o.stderr().contains("run     start a gateway node"), o.stderr());
    assertTrue(o.stdout().isEmpty(), "nothing on stdout: " + o.stdout());
  }

  @Test
  void unknownCommandNamesItAndPrintsUsageWithExit2() throws Exception {
    Outcome o = main("start");
    assertEquals(2, o.status(), o.stdout() + o.stderr());
    assertTrue(o.stderr().startsWith("rtc2sip: unknown command: start"), o.stderr());
    assertTrue(o.stderr().contains("usage: rtc2sip <command>"), o.stderr());
  }

  @Test
  void helpPrintsUsageOnStdoutWithExit0() throws Exception {
    for (String help : List.of("help", "--help", "-h")) {
      Outcome o = main(help);
      assertEquals(0, o.status(), help + ": " + o.stdout() + o.stderr());
      assertTrue(o.stdout().contains("usage: rtc2sip <command>"), help + ": " + o.stdout());
      assertTrue(o.stderr().isEmpty(), help + ": nothing on stderr: " + o.stderr());
    }
  }

  @Test
  void clientHelpPrintsTheClientUsageOnStdoutWithExit0() throws Exception {
    for (String help : List.of("--help", "-h")) {
      Outcome o = main("client", help);
      assertEquals(0, o.status(), help + ": " + o.stdout() + o.stderr());
      assertTrue(o.stdout().startsWith("usage: rtc2sip client --uid U"), help + ": " + o.stdout());
      assertTrue(o.stderr().isEmpty(), help + ": nothing on stderr: " + o.stderr());
    }
  }

  @Test
  void clientWithoutUidPrintsTheClientUsageOnStderrWithExit2() throws Exception {
    Outcome o = main("client");
    assertEquals(2, o.status(), o.stdout() + o.stderr());
    assertTrue(o.stderr().contains("usage: rtc2sip client --uid U"), o.stderr());
    assertTrue(o.stdout().isEmpty(), "nothing on stdout: " + o.stdout());
  }
}
