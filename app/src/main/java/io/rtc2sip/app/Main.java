package io.rtc2sip.app;

import com.typesafe.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command-line entry point: {@code rtc2sip run}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "run" : args[0];
    switch (command) {
      case "run" -> run();
      case "help", "-h", "--help" -> usage(0);
      default -> {
        System.err.println("unknown command: " + command);
        usage(2);
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

  private static void usage(int status) {
    System.out.println(
        """
        usage: rtc2sip <command>
          run     start a gateway node (configuration: RTC2SIP_* environment variables, see README)
          help    this text""");
    System.exit(status);
  }
}
