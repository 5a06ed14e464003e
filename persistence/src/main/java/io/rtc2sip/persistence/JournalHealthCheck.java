package io.rtc2sip.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.Dispatchers;
import com.typesafe.config.Config;

/**
 * Readiness check of Pekko Management: the node is ready only while the journal database answers.
 * Registered under {@code pekko.management.health-checks.readiness-checks}.
 */
public final class JournalHealthCheck implements Supplier<CompletionStage<Boolean>> {
  private final String url;
  private final Properties props = new Properties();
  private final Executor blocking;

  public JournalHealthCheck(ActorSystem system) {
    Config db = system.settings().config().getConfig("pekko-persistence-jdbc.shared-databases.rtc2sip.db");
    this.url = db.getString("url");
    props.setProperty("user", db.getString("user"));
    props.setProperty("password", db.getString("password"));
    props.setProperty("connectTimeout", "2");
    props.setProperty("socketTimeout", "2");
    this.blocking = system.dispatchers().lookup(Dispatchers.DefaultBlockingDispatcherId());
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = DriverManager.getConnection(url, props);
              Statement st = c.createStatement()) {
            return st.execute("SELECT 1");
          } catch (Exception e) {
            return false;
          }
        },
        blocking);
  }
}
