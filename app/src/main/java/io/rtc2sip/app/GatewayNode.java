package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.rtc2sip.app.downing.FastDowning;
import io.rtc2sip.app.tls.NodeCertificate;
import io.rtc2sip.app.tls.TlsSettings;
import io.rtc2sip.persistence.DatabaseConnector;
import io.rtc2sip.persistence.DatabaseSettings;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.persistence.JournalConfig;
import io.rtc2sip.persistence.JournalIdentity;
import io.rtc2sip.persistence.JournalSchema;
import io.rtc2sip.persistence.history.CallRecords;
import io.rtc2sip.signaling.push.PushSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: the journal database (embedded unless an external one is configured), the
 * actor system joined to its cluster, Pekko Management, and the node's services.
 */
public final class GatewayNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);
  public static final String SYSTEM_NAME = "rtc2sip";
  /** In the data directory: the JDBC URL of the embedded database while the node runs. */
  public static final String EMBEDDED_URL_FILE = "embedded-db.url";

  private final ActorSystem<Void> system;
  private final EmbeddedDatabase embedded;
  private final DatabaseSettings database;

  private GatewayNode(ActorSystem<Void> system, EmbeddedDatabase embedded, DatabaseSettings database) {
    this.system = system;
    this.embedded = embedded;
    this.database = database;
  }

  /**
   * Starts a node; refuses (IllegalStateException, before anything is opened) a node reachable
   * from elsewhere with the development token secret, without operator credentials or in clear
   * ({@link Exposure}), and (IllegalArgumentException naming the setting) one whose TLS
   * certificate cannot be loaded or whose push URL has no proper secret.
   *
   * @param config the node's configuration ({@link NodeConfig#load()})
   * @param services starts the node's services (sharded entities, adapters) once the actor
   *     system runs
   */
  public static GatewayNode start(Config config, Consumer<ActorSystem<Void>> services)
      throws Exception {
    var refusal = Exposure.refusal(config);
    if (refusal.isPresent()) {
      throw new IllegalStateException(refusal.get());
    }
    if (TlsSettings.anyListener(config)) {
      // a missing file or wrong password stops the start here, before anything is opened
      // (the listeners load the certificate again through NodeTls)
      NodeCertificate.load(TlsSettings.fromConfig(config));
    }
    // a push URL without a secret of 16 characters or more stops the start here
    PushSettings.fromConfig(config);
    DatabaseSettings db = DatabaseSettings.from(config);
    Optional<FastDowning> downing = FastDowning.bind(config);
    EmbeddedDatabase embedded = null;
    if (db.embedded()) {
      if (!db.user().equals(EmbeddedDatabase.USER)) {
        throw new IllegalStateException("the embedded database's user is " + EmbeddedDatabase.USER
            + ", not " + db.user() + " (RTC2SIP_DB_USER names the user of an external database,"
            + " RTC2SIP_DB_URL)");
      }
      embedded = EmbeddedDatabase.start(db.dataDir(), db.embeddedPort(), db.password());
      db = db.withUrl(embedded.jdbcUrl());
      // tools on this machine (bin/rtc2sip replay) find the running embedded database here
      java.nio.file.Files.writeString(db.dataDir().resolve(EMBEDDED_URL_FILE), embedded.jdbcUrl());
    }
    try {
      UUID journal = prepareSchema(db, config.getInt("rtc2sip.db.connect-attempts"));
      log.info("journal identity {} (read from the journal database)", journal);
      Config withJournal = JournalConfig.forDatabase(db)
          .withFallback(SameJournalCheck.settings(journal))
          .withFallback(config);
      Config full = downing.map(d -> d.announce(withJournal)).orElse(withJournal);
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, full);
      downing.ifPresent(d -> {
        // the liveness port stays open until the actor system has ended: peers must not take
        // a node that is still leaving for a crashed one
        system.getWhenTerminated().thenRun(d::close);
        d.start(system);
      });
      GatewayNode node = new GatewayNode(system, embedded, db);
      node.joinCluster(full);
      node.startManagement();
      services.accept(system);
      node.logListeners(full);
      return node;
    } catch (Exception | Error e) {
      downing.ifPresent(FastDowning::close);
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Creates what is missing of the schema; returns the journal database's identity. */
  private static UUID prepareSchema(DatabaseSettings db, int attempts) throws InterruptedException, SQLException {
    try (Connection c = new DatabaseConnector(db).connectWithBackoff(attempts)) {
      JournalSchema.create(c);
      CallRecords.createTables(c);
      return JournalIdentity.ensure(c);
    }
  }

  private void joinCluster(Config config) {
    Cluster cluster = Cluster.get(system);
    String seeds = config.getString("rtc2sip.cluster.seed-nodes").trim();
    String profile = config.getString("rtc2sip.profile");
    if (!seeds.isEmpty()) {
      List<Address> addresses = new ArrayList<>();
      for (String s : Arrays.asList(seeds.split(","))) {
        if (!s.isBlank()) {
          addresses.add(AddressFromURIString.parse(s.trim()));
        }
      }
      log.info("joining cluster through seed nodes {}", addresses);
      cluster.manager().tell(new JoinSeedNodes(addresses));
    } else if (profile.equals("k8s")) {
      log.info("joining cluster through Kubernetes API discovery (cluster bootstrap)");
      ClusterBootstrap.get(system).start();
    } else {
      log.info("no seed nodes configured: forming a cluster of one");
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  private void startManagement() throws Exception {
    PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void logListeners(Config config) {
    log.info("cluster remoting listening on {}", Cluster.get(system).selfMember().address());
    log.info(
        "management listening on http://{}:{} (/alive, /ready, /cluster/members)",
        config.getString("pekko.management.http.hostname"),
        config.getInt("pekko.management.http.port"));
    log.info("journal database {}", database.displayUrl());
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public DatabaseSettings database() {
    return database;
  }

  /** Blocks until the actor system has terminated (by {@link #close()}, SIGTERM or downing). */
  public void awaitTermination() throws Exception {
    system.getWhenTerminated().toCompletableFuture().get();
  }

  /**
   * Closes the embedded database once the actor system has terminated, also when termination
   * comes from SIGTERM (Pekko's own JVM hook runs coordinated shutdown; this hook waits for it).
   */
  public void closeOnJvmShutdown() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    log.warn("actor system did not terminate within 60 s: {}", e.toString());
                  }
                  if (embedded != null) {
                    embedded.close();
                  }
                },
                "rtc2sip-database-shutdown"));
  }

  /** Leaves the cluster, stops the actor system, then the embedded database. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate within 60 s: {}", e.toString());
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
