package io.rtc2sip.app;

import com.typesafe.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command-line entry point: {@code rtc2sip <command>}. Without a command, or with an unknown one,
 * it prints its usage on standard error and exits with status 2 (nothing starts); {@code help}
 * ({@code --help}, {@code -h}) prints it on standard output with status 0.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * The JDK runs the async stages of CompletableFuture (which Pekko's Java ask API completes
   * through) on a new thread per stage when the common pool has fewer than 2 threads, as on a
   * 2-core machine: a thread per request. A pool of at least 4 avoids that.
   */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) throws Exception {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM,
          Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
    }
    if (args.length == 0) {
      usage(System.err, 2);
      return;
    }
    String command = args[0];
    if (!command.equals("run")) {
      // tools print their results on stdout (JSON for scripts): keep the node's INFO log out
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
          org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
    }
    switch (command) {
      case "run" -> run();
      case "client" -> io.rtc2sip.client.ClientMain.main(
          java.util.Arrays.copyOfRange(args, 1, args.length));
      case "token" -> token(args);
      case "replay" -> System.exit(Replay.run(
          java.util.Arrays.copyOfRange(args, 1, args.length), NodeConfig.load()));
      case "calls" -> System.exit(Calls.run(
          java.util.Arrays.copyOfRange(args, 1, args.length), NodeConfig.load()));
      case "help", "-h", "--help" -> usage(System.out, 0);
      default -> {
        System.err.println("rtc2sip: unknown command: " + command);
        usage(System.err, 2);
      }
    }
  }

  private static void run() throws Exception {
    Config config;
    try {
      config = NodeConfig.load();
    } catch (RuntimeException e) {
      log.error("configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    }
    GatewayNode node;
    try {
      node = GatewayNode.start(config, NodeServices::start);
    } catch (Exception e) {
      log.error("node did not start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    node.closeOnJvmShutdown();
    log.info("rtc2sip node up; stop with SIGTERM (Ctrl-C)");
    node.awaitTermination();
  }

  /** Mints a signaling login token with the node's configured secret. */
  private static void token(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: rtc2sip token <uid> [ttl-seconds]");
      System.exit(2);
    }
    Config config = NodeConfig.load();
    String secret = config.getString("rtc2sip.signaling.token-secret");
    long ttl = args.length > 2 ? Long.parseLong(args[2]) : 86_400;
    System.out.println(new io.rtc2sip.signaling.Tokens(secret, java.time.Clock.systemUTC())
        .issue(args[1], java.time.Duration.ofSeconds(ttl)));
  }

  private static void usage(java.io.PrintStream out, int status) {
    out.println(
        """
        usage: rtc2sip <command>
          run     start a gateway node (configuration: RTC2SIP_* environment variables, see README)
          client  a test phone on the signaling protocol (docs/signaling.md): client --uid U ...
                  (client --help: its options)
          token   mint a signaling login token: token <uid> [ttl-seconds]
          calls   find calls in the call history: calls --uid U --since 2h [--cause C] [--json]
          replay  a call's timeline from the journal: replay <call-id> [--at <ISO time>] [--json]
          help    this text (also --help, -h)""");
    System.exit(status);
  }
}
