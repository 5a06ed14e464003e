package io.rtc2sip.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code rtc2sip client} as a process: asked for help it prints its usage on stdout and exits 0;
 * used wrongly it prints the usage on stderr and exits 2. Neither connects anywhere.
 */
class ClientUsageTest {

  private record Outcome(int status, String stdout, String stderr) {}

  private static Outcome client(String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(
        List.of(java, "-cp", System.getProperty("java.class.path"), ClientMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    // a client that tries to log in instead would still run after this: fail rather than hang
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(exited, "still running 30 s later; output:\n" + out + err);
    return new Outcome(p.exitValue(), out, err);
  }

  private static void assertHelp(Outcome o) {
    assertEquals(0, o.status(), o.stdout() + o.stderr());
    assertEquals(ClientMain.USAGE + System.lineSeparator(), o.stdout());
    assertTrue(o.stderr().isEmpty(), "nothing on stderr: " + o.stderr());
  }

  private static void assertWrongUsage(Outcome o, String first) {
    assertEquals(2, o.status(), o.stdout() + o.stderr());
    assertTrue(o.stderr().startsWith(first), o.stderr());
    assertTrue(o.stderr().contains(ClientMain.USAGE), o.stderr());
    assertTrue(o.stdout().isEmpty(), "nothing on stdout: " + o.stdout());
  }

  @Test
  void helpPrintsUsageOnStdoutWithExit0() throws Exception {
    assertHelp(client("--help"));
  }

  @Test
  void shortHelpAmongOtherOptionsToo() throws Exception {
    assertHelp(client("--uid", "alice", "--port", "7", "-h"));
  }

  @Test
  void noUidPrintsUsageOnStderrWithExit2() throws Exception {
    assertWrongUsage(client(), "usage: rtc2sip client");
  }

  @Test
  void aMissingValueIsAWrongUsage() throws Exception {
    assertWrongUsage(client("--uid"), "rtc2sip client: --uid needs a value");
  }

  @Test
  void aPortThatIsNoNumberIsAWrongUsage() throws Exception {
    assertWrongUsage(client("--uid", "alice", "--port", "x"),
        "rtc2sip client: --port needs a number, not 'x'");
  }

  @Test
  void theValueOfAnOptionIsNotTakenForHelp() throws Exception {
    // "-h" is the token here, not a request for help: a wrong usage since --port has no number
    assertWrongUsage(client("--token", "-h", "--port", "x", "--uid", "alice"),
        "rtc2sip client: --port needs a number");
  }
}
