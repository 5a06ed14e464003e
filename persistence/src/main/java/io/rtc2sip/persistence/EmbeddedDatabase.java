package io.rtc2sip.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by the node itself, for single-node and development use. Its data
 * directory survives restarts; it listens on 127.0.0.1 only.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /**
   * Starts the server on {@code root/postgres} (created and initialised on first use).
   *
   * @param port 0 for any free port
   */
  public static EmbeddedDatabase start(Path root, int port) throws IOException {
    Path dataDir = root.resolve("postgres");
    Path binDir = root.resolve("postgres-bin");
    Files.createDirectories(root);
    Files.createDirectories(binDir);
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
            .setServerConfig("synchronous_commit", "on");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    log.info("embedded PostgreSQL listening on 127.0.0.1:{} (data {})", postgres.getPort(), dataDir);
    return new EmbeddedDatabase(postgres, dataDir);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    try {
      postgres.close();
      log.info("embedded PostgreSQL stopped");
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
  }
}
