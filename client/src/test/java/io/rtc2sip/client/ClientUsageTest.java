package io.rtc2sip.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.testkit.JavaMain;
import io.rtc2sip.testkit.JavaMain.Outcome;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@code rtc2sip client} as a process: asked for help it prints its usage on stdout and exits 0;
 * used wrongly it prints the usage on stderr and exits 2. Neither connects anywhere.
 */
class ClientUsageTest {

  private static Outcome client(String... args) throws IOException, InterruptedException {
    return JavaMain.run(ClientMain.class, args);
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

  @Test
  void trustOptionsGoWithTlsAndNotTogether() throws Exception {
    String expected = "rtc2sip client: --trust or --insecure (not both) go with --tls";
    assertWrongUsage(client("--uid", "alice", "--insecure"), expected);
    assertWrongUsage(client("--uid", "alice", "--tls", "--insecure", "--trust", "ca.pem"),
        expected);
  }

  @Test
  void aTrustFileWithoutCertificatesIsAWrongUsage() throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.createTempFile("trust", ".pem");
    try {
      assertWrongUsage(client("--uid", "alice", "--tls", "--trust", empty.toString()),
          "rtc2sip client: --trust " + empty);
    } finally {
      java.nio.file.Files.delete(empty);
    }
  }
}
