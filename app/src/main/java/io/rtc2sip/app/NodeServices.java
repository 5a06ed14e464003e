package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.rtc2sip.persistence.JournalConfig;
import io.rtc2sip.persistence.JournalProbe;
import io.rtc2sip.dashboard.DashboardRoutes;
import io.rtc2sip.persistence.history.CallHistoryProjection;
import java.util.ArrayList;
import org.apache.pekko.http.javadsl.server.Route;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.user.UserSession;
import io.rtc2sip.media.MediaBridge;
import io.rtc2sip.media.MediaSettings;
import io.rtc2sip.actors.rtc.RtcLegs;
import io.rtc2sip.actors.rtc.RtcTokens;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.webrtc.BrowserMedia;
import io.rtc2sip.webrtc.WebRtcSettings;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.rtc2sip.signaling.SignalingCounters;
import io.rtc2sip.signaling.SignalingServer;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.push.PushService;
import io.rtc2sip.signaling.push.PushSettings;
import io.rtc2sip.sip.CallQuery;
import io.rtc2sip.sip.DialogSettings;
import io.rtc2sip.sip.SipAdapter;
import io.rtc2sip.sip.SipSettings;
import io.rtc2sip.sip.access.SipAccessSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.rtc2sip.app.tls.NodeTls;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the services of a node: the node-local adapters and the sharded call and user entities
 * that use them. On a node without the role {@code call} the entities run elsewhere and this node
 * only gets sharding proxies.
 */
public final class NodeServices {
  private static final Logger log = LoggerFactory.getLogger(NodeServices.class);

  private NodeServices() {}

  /** Production: the node's media bridge, SIP adapter and signaling server. */
  public static void start(ActorSystem<Void> system) {
    start(system, NodeServices::defaultPorts);
  }

  /** With the given adapters (tests record what the entities ask of them). */
  public static void start(ActorSystem<Void> system, Function<ActorSystem<Void>, NodePorts> ports) {
    // admission of new calls asks it; it must know the database before the first call comes
    // a push URL without a proper secret stops the node before it opens anything
    PushSettings push = PushSettings.fromConfig(system.settings().config());
    JournalProbe probe = JournalProbe.start(system);
    onShutdown(system, "stop-journal-probe", probe::close);
    NodePorts p = ports.apply(system);
    CallPorts callPorts = p.calls();
    if (push.enabled()) {
      callPorts = callPorts.withPush(PushService.start(system, push));
    } else {
      log.info("no push notifications of parked calls (rtc2sip.push.url is empty): a call for an"
          + " offline user waits for its login");
    }
    // each entity type reaches the other through a messenger handed over here: neither knows
    // the other's type key
    CallEntity.init(system, callPorts, EntityMessenger.sharded(system, UserSession.TYPE_KEY),
        Clock.systemUTC());
    UserSession.init(system, p.calls().clients(), p.registrations(),
        EntityMessenger.sharded(system, CallEntity.TYPE_KEY), Clock.systemUTC(),
        push::parkable);
    log.info("call and user entities registered with cluster sharding");
    Config config = system.settings().config();
    CallHistoryProjection.Database database = () -> JournalConfig.connect(config);
    CallHistoryProjection.init(system, database);
    List<Route> operator = List.of(DashboardRoutes.start(system, database,
        List.of(CallEntity.TYPE_KEY, UserSession.TYPE_KEY)));
    try {
      NodeHttp.bind(system, p.routes(), operator);
    } catch (Exception e) {
      throw new IllegalStateException("HTTP listener did not start: " + e.getMessage(), e);
    }
  }

  private static NodePorts defaultPorts(ActorSystem<Void> system) {
    RtcLegs rtc = startRtc(system);
    WebRtcLegs browsers = startWebRtc(system);
    MediaBridge bridge = startMedia(system, rtc, browsers);
    SipAdapter sip = startSip(system, bridge);
    ActorRef<MediaCommand> media = bridge.port();
    SignalingServer signaling = startSignaling(system, rtc.tokens(), browsers);
    return new NodePorts(new CallPorts(sip.port(), media, signaling.notifications(),
        rtc.clientAddress(), sip.sipAddress()),
        sip.registrations(), List.of(signaling.websocketRoute(), signaling.phoneRoutes()));
  }

  private static SipAdapter startSip(ActorSystem<Void> system, MediaBridge media) {
    ClusterSharding sharding = ClusterSharding.get(system);
    try {
      SipSettings settings = SipSettings.fromConfig(system.settings().config());
      if (settings.tls().enabled()) {
        // SIP over TLS presents the node's certificate, like HTTPS and signaling over TLS
        settings = settings.withTls(settings.tls().withKeys(
            NodeTls.get(system).certificate().orElseThrow().keyManagers()));
      }
      SipAdapter sip =
          SipAdapter.start(
              system,
              settings,
              DialogSettings.fromConfig(system.settings().config()),
              SipAccessSettings.fromConfig(system.settings().config()),
              EntityMessenger.sharded(system, CallEntity.TYPE_KEY),
              media,
              callId -> sharding.entityRefFor(CallEntity.TYPE_KEY, callId)
                  .<CallView>ask(CallCommand.GetCall::new, Duration.ofSeconds(5))
                  .thenApply(view -> new CallQuery.Answer(view.state(), view.dialog(),
                      view.sipAddress())));
      onShutdown(system, "stop-sip", sip::close);
      return sip;
    } catch (Exception e) {
      throw new IllegalStateException("SIP adapter did not start: " + e.getMessage(), e);
    }
  }

  private static SignalingServer startSignaling(ActorSystem<Void> system, RtcTokens rtcTokens,
      WebRtcLegs browsers) {
    try {
      SignalingServer server =
          SignalingServer.start(
              system,
              SignalingSettings.fromConfig(system.settings().config()),
              EntityMessenger.sharded(system, CallEntity.TYPE_KEY),
              EntityMessenger.sharded(system, UserSession.TYPE_KEY),
              rtcTokens,
              browsers,
              system.settings().config().getBoolean("rtc2sip.signaling.tls")
                  ? Optional.of(NodeTls.get(system).context()) : Optional.empty());
      // First of all on a graceful leave: the clients connect to another node while this one
      // still runs their calls, so that they are told there when the calls move (rtc-moved).
      CoordinatedShutdown.get(system)
          .addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-signaling", server::stop);
      exportCounters(system, server.counters());
      return server;
    } catch (Exception e) {
      throw new IllegalStateException("signaling server did not start: " + e.getMessage(), e);
    }
  }

  /** The signaling server's refusals and connections on the node's /metrics. */
  private static void exportCounters(ActorSystem<Void> system, SignalingCounters counters) {
    var registry = NodeMetrics.get(system).registry();
    CounterWithCallback.builder().name("rtc2sip_signaling_refused_total")
        .help("Client signaling refusals by reason: an error code sent for a refused message,"
            + " or a refused connection (too-many-connections, origin, login-timeout,"
            + " too-many-refused)")
        .labelNames("reason")
        .callback(cb -> counters.refused().forEach((reason, n) -> cb.call(n, reason)))
        .register(registry);
    GaugeWithCallback.builder().name("rtc2sip_signaling_connections")
        .help("Client signaling connections open on this node (TCP and WebSocket)")
        .callback(cb -> cb.call(counters.openConnections()))
        .register(registry);
  }

  private static void onShutdown(ActorSystem<Void> system, String name, Runnable task) {
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), name, () -> {
          task.run();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /**
   * On a graceful leave the node's calls are handed to other nodes (sharding's region shut-down,
   * before the node leaves), and each re-anchors its media there: a re-INVITE that points the
   * SIP party at the new node, and the RTC client told to join there. Until both have happened
   * this node's media bridge still carries the audio, so it keeps running for {@code
   * rtc2sip.cluster.hand-off-linger} after the node has left, when it still had calls.
   */
  private static void lingerAfterHandOff(ActorSystem<Void> system, MediaBridge bridge) {
    Duration linger = system.settings().config().getDuration("rtc2sip.cluster.hand-off-linger");
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseClusterShutdown(), "media-hand-off-linger", () -> {
          int calls = bridge.activeCalls();
          if (calls == 0 || linger.isZero()) {
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          log.info("left the cluster with media of {} calls still running here: forwarding it for"
              + " {} ms more while the calls re-anchor on their new nodes", calls, linger.toMillis());
          return CompletableFuture.supplyAsync(Done::getInstance,
              CompletableFuture.delayedExecutor(linger.toMillis(), TimeUnit.MILLISECONDS));
        });
  }

  /** The node's RTC network: Agora with an App ID (and the binding), else the loopback one. */
  private static RtcLegs startRtc(ActorSystem<Void> system) {
    try {
      RtcLegs rtc = RtcNetworks.start(system.settings().config());
      if (rtc instanceof AutoCloseable closeable) {
        onShutdown(system, "stop-rtc", () -> {
          try {
            closeable.close();
          } catch (Exception e) {
            log.warn("RTC network did not close cleanly: {}", e.toString());
          }
        });
      }
      return rtc;
    } catch (IOException e) {
      throw new IllegalStateException("RTC network did not start: " + e.getMessage(), e);
    }
  }

  /** Browser legs (WebRTC) unless {@code rtc2sip.webrtc.enabled} is off. */
  private static WebRtcLegs startWebRtc(ActorSystem<Void> system) {
    Config config = system.settings().config();
    if (!config.getBoolean("rtc2sip.webrtc.enabled")) {
      log.info("WebRTC is off (rtc2sip.webrtc.enabled): calls with an SDP offer are refused");
      return WebRtcLegs.NONE;
    }
    try {
      BrowserMedia browsers = BrowserMedia.start(WebRtcSettings.fromConfig(config),
          NodeMetrics.get(system).webrtc());
      onShutdown(system, "stop-webrtc", browsers::close);
      return browsers;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("WebRTC media did not start: " + e.getMessage()
          + " (RTC2SIP_WEBRTC_ENABLED=false runs the node without it)", e);
    }
  }

  private static MediaBridge startMedia(ActorSystem<Void> system, RtcLegs rtc,
      WebRtcLegs browsers) {
    try {
      MediaBridge bridge =
          MediaBridge.start(
              system,
              MediaSettings.fromConfig(system.settings().config()),
              EntityMessenger.sharded(system, CallEntity.TYPE_KEY),
              rtc,
              browsers);
      onShutdown(system, "stop-media", bridge::close);
      lingerAfterHandOff(system, bridge);
      return bridge;
    } catch (IOException e) {
      throw new IllegalStateException("media bridge did not start: " + e.getMessage(), e);
    }
  }
}
