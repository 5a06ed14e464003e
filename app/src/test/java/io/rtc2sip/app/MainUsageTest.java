package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.testkit.JavaMain;
import io.rtc2sip.testkit.JavaMain.Outcome;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code rtc2sip} with no command or an unknown one prints its usage on stderr and starts
 * nothing; asked for help (itself or its {@code client}) it prints the usage on stdout.
 */
class MainUsageTest {

  private static Outcome main(String... args) throws IOException, InterruptedException {
    return JavaMain.run(Main.class, args);
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
