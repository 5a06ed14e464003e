package io.rtc2sip.tests.support;

import io.rtc2sip.client.ClientMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The client CLI ({@code bin/rtc2sip client}) run in this JVM: its arguments as on the command
 * line, its commands written to its standard input, every line it prints kept to wait on.
 */
public final class CliUser implements AutoCloseable {
  private final String uid;
  private final PipedOutputStream stdin;
  private final OutputLines lines;
  private final Thread thread;
  private volatile int exit = -1;

  private CliUser(String uid, String[] args) throws IOException {
    this.uid = uid;
    this.lines = new OutputLines(uid);
    this.stdin = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(stdin, 1 << 16);
    PrintStream out = new PrintStream(new LineSink(), true, StandardCharsets.UTF_8);
    this.thread = new Thread(() -> {
      try {
        exit = ClientMain.run(args, in, out);
      } catch (Exception e) {
        out.println("CLI failed: " + e);
        exit = 1;
      }
      lines.ended();
    }, "cli-" + uid);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts the CLI for {@code uid}; {@code args} are its options after {@code --uid}. */
  public static CliUser start(String uid, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--uid", uid));
    all.addAll(List.of(args));
    return new CliUser(uid, all.toArray(String[]::new));
  }

  /** One command line, as typed. */
  public void command(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** Waits for a printed line matching {@code match}, counting from the first line. */
  public String await(Predicate<String> match, Duration timeout) throws InterruptedException {
    return lines.await(match, timeout, thread::isAlive,
        () -> " (the CLI ended, status " + exit + ")");
  }

  public List<String> linesMatching(Predicate<String> match) {
    return lines.matching(match);
  }

  public String tail(int n) {
    return lines.tail(n);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      command("quit");
      stdin.close();
    } catch (IOException gone) {
      // the CLI already ended
    }
    thread.join(10_000);
  }

  /** Splits what the CLI prints into lines. */
  private final class LineSink extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        lines.add(text);
      } else {
        line.write(b);
      }
    }
  }
}
