package io.rtc2sip.app.downing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part in downing crashed members at once (settings {@code
 * rtc2sip.cluster.crash-downing}): its liveness port, announced to the cluster in a role, and the
 * actor that downs a member whose process is gone ({@link CrashedMemberDowning}).
 *
 * <p>Bind it before the actor system starts ({@link #bind}), so that the role can name the port;
 * the port stays open until the process ends, so that peers never take a node that is leaving
 * for a crashed one.
 */
public final class FastDowning implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FastDowning.class);

  private final LivenessLinks links;
  private final Duration probeTimeout;
  private final ExecutorService probes;

  private FastDowning(LivenessLinks links, Duration probeTimeout) {
    this.links = links;
    this.probeTimeout = probeTimeout;
    this.probes = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "rtc2sip-remoting-probe");
      t.setDaemon(true);
      return t;
    });
  }

  /** Binds the liveness port when crash downing is on; empty when it is off. */
  public static java.util.Optional<FastDowning> bind(Config config) throws IOException {
    Config c = config.getConfig("rtc2sip.cluster.crash-downing");
    if (!c.getBoolean("enabled")) {
      log.info("crash downing off: crashed members are downed by the split-brain resolver only");
      return java.util.Optional.empty();
    }
    LivenessLinks links = LivenessLinks.open(config.getString("rtc2sip.node.bind-host"), c.getInt("liveness-port"));
    return java.util.Optional.of(new FastDowning(links, c.getDuration("probe-timeout")));
  }

  /** The configuration with this node's liveness role added to {@code pekko.cluster.roles}. */
  public Config announce(Config config) {
    List<String> roles = new ArrayList<>(config.getStringList("pekko.cluster.roles"));
    roles.add(CrashedMemberDowning.ROLE_PREFIX + links.port());
    return config.withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
  }

  /** Starts watching the cluster's members. */
  public void start(ActorSystem<?> system) {
    system.systemActorOf(
        Behaviors.supervise(CrashedMemberDowning.create(links, probeTimeout, probes))
            .onFailure(SupervisorStrategy.restart()),
        "crash-downing",
        Props.empty());
    log.info("crash downing on: liveness port {}", links.port());
  }

  public int port() {
    return links.port();
  }

  @Override
  public void close() {
    probes.shutdownNow();
    links.close();
  }
}
