package io.rtc2sip.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by the node itself, for single-node and development use. Its data
 * directory survives restarts; it listens on 127.0.0.1 only. It does not outlive the node: a
 * watchdog process stops it when the node's JVM is gone (also after SIGKILL), and a start that
 * finds a server of an earlier node still running on the data directory stops that one first.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** The user every connection to the embedded server logs in as. */
  public static final String USER = EmbeddedPassword.USER;

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final PostmasterWatchdog watchdog;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir, PostmasterWatchdog watchdog) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.watchdog = watchdog;
  }

  /**
   * Starts the server on {@code root/postgres} (created and initialised on first use) with the
   * password {@code postgres} (tests and tools).
   *
   * @param port 0 for any free port
   */
  public static EmbeddedDatabase start(Path root, int port) throws IOException {
    return start(root, port, USER);
  }

  /**
   * Starts the server on {@code root/postgres} (created and initialised on first use). Every
   * connection, also from this machine, needs the user {@value #USER} and {@code password}; a data
   * directory that has another password already refuses to start (IOException).
   *
   * @param port 0 for any free port
   */
  public static EmbeddedDatabase start(Path root, int port, String password) throws IOException {
    Path dataDir = root.resolve("postgres");
    Path binDir = root.resolve("postgres-bin");
    Files.createDirectories(root);
    Files.createDirectories(binDir);
    stopLeftOver(dataDir);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(binDir.toFile())
            .setRegisterShutdownHook(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "100")
            // the library starts PostgreSQL without fsync and without synchronous commit (its
            // defaults for throw-away test databases); the journal must survive a crash: a
            // later -c wins over its -F
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            // the library's own connection (to see the server ready) needs the password too
            .setConnectConfig("password", password);
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres;
    try {
      postgres = builder.start();
    } catch (IOException | RuntimeException e) {
      // the server may run, refusing the library's connection: stop it, say the likely cause
      var refusing = Postmaster.of(dataDir);
      if (refusing.isEmpty()) {
        throw e;
      }
      try {
        refusing.get().stop();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("embedded PostgreSQL on " + dataDir + " started but refused"
          + " the connection: it was given another password at an earlier start than"
          + " RTC2SIP_DB_PASSWORD now (docs/operations.md, \"Database\"): " + e.getMessage(), e);
    }
    log.info("embedded PostgreSQL listening on 127.0.0.1:{} (data {})", postgres.getPort(), dataDir);
    PostmasterWatchdog watchdog;
    try {
      EmbeddedPassword.require(jdbcUrl(postgres.getPort()), dataDir, password);
      Postmaster server = Postmaster.of(dataDir).orElseThrow(() -> new IOException(
          "embedded PostgreSQL started, but " + dataDir.resolve("postmaster.pid")
              + " names no running server"));
      watchdog = PostmasterWatchdog.watch(server, root.resolve("postgres-watchdog.log"));
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    return new EmbeddedDatabase(postgres, dataDir, watchdog);
  }

  /** A server an earlier node left running on {@code dataDir} would keep this one from starting. */
  private static void stopLeftOver(Path dataDir) throws IOException {
    var left = Postmaster.of(dataDir);
    if (left.isEmpty()) {
      return;
    }
    log.warn("embedded PostgreSQL of an earlier node still runs on {} (pid {}): stopping it",
        dataDir, left.get().process().pid());
    try {
      if (!left.get().stop()) {
        throw new IOException("PostgreSQL pid " + left.get().process().pid() + " on " + dataDir
            + " did not stop: stop it, then start the node again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the PostgreSQL left on " + dataDir, e);
    }
  }

  public String jdbcUrl() {
    return jdbcUrl(postgres.getPort());
  }

  private static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    watchdog.close();
    try {
      postgres.close();
      log.info("embedded PostgreSQL stopped");
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
  }
}
