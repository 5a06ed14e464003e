package io.rtc2sip.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.prometheus.metrics.core.metrics.Counter;
import io.rtc2sip.metrics.NodeMetrics;
import java.util.Optional;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import io.rtc2sip.persistence.JournalConfig;
import io.rtc2sip.persistence.history.CallHistory;
import io.rtc2sip.persistence.history.CallListRenderer;
import io.rtc2sip.persistence.history.CallQueries;
import io.rtc2sip.persistence.history.CallRecords;
import io.rtc2sip.persistence.history.ReplayRenderer;
import java.sql.Connection;
import java.time.Clock;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.serialization.SerializationExtension;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import io.rtc2sip.app.tls.NodeTls;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP listener ({@code rtc2sip.http}, RTC2SIP_HTTP_PORT; HTTPS and WSS only with
 * {@code tls = on}, see {@link NodeTls}): the routes of the modules
 * that serve HTTP (dashboard, signaling WebSocket, browser phone), a landing page at {@code /}
 * that links to the phone and the dashboard; operator routes behind {@link OperatorAccess},
 * optionally on a listener of their own; and the live view of a call
 * ({@code GET /api/calls/<id>/live}: the entity's current state, asked through sharding from any
 * node), its timeline ({@code /api/calls/<id>/replay}) and the call history search
 * ({@code /api/calls?uid=…}).
 */
final class NodeHttp extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(NodeHttp.class);
  private static final Duration ASK = Duration.ofSeconds(5);
  private static final String LANDING = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>rtc2sip</title></head><body>
      <h1>rtc2sip gateway node</h1>
      <p><a href="/phone">Phone</a>: call a number from this browser (WebRTC).</p>
      <p><a href="/dashboard">Dashboard</a>: the cluster's nodes, shards and calls, live.</p>
      </body></html>
      """;

  private final ActorSystem<?> system;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private NodeHttp(ActorSystem<?> system) {
    this.system = system;
  }

  /** The node's listeners: the main one, and operator HTTP's own if it has one. */
  record Bindings(ServerBinding main, Optional<ServerBinding> operator) {}

  /**
   * Binds the listener(s): {@code clientRoutes} (WebSocket signaling, the phone) and the landing
   * page open to anyone; {@code operatorRoutes}, the live call view, replay and call history
   * behind {@link OperatorAccess}, on the main listener or on their own
   * ({@code rtc2sip.http.operator.port}).
   */
  static Bindings bind(ActorSystem<?> system, List<Route> clientRoutes,
      List<Route> operatorRoutes) throws Exception {
    NodeHttp http = new NodeHttp(system);
    Config config = system.settings().config();
    OperatorAccess access = new OperatorAccess(OperatorAccess.Credentials.fromConfig(config),
        Counter.builder().name("rtc2sip_http_refused_total")
            .help("Operator HTTP requests refused: unauthorized (no or wrong credentials),"
                + " no-credentials (none configured and the client is not on this machine)")
            .labelNames("reason").register(NodeMetrics.get(system).registry()));
    List<Route> operator = new ArrayList<>(operatorRoutes);
    operator.add(http.liveCall());
    operator.add(http.replay());
    operator.add(http.search());
    Route guarded = access.guard(() -> http.joined(operator));
    List<Route> client = new ArrayList<>(clientRoutes);
    client.add(http.landing());
    String host = config.getString("rtc2sip.http.host");
    int port = config.getInt("rtc2sip.http.port");
    int operatorPort = config.getInt("rtc2sip.http.operator.port");
    if (access.credentials().none()) {
      log.warn("operator HTTP (dashboard, /api, /metrics) has no credentials: it answers only"
          + " clients on this machine; {}", OperatorAccess.SET_CREDENTIALS);
    }
    boolean tls = config.getBoolean("rtc2sip.http.tls");
    if (operatorPort < 0) {
      ServerBinding main = listen(system, host, port, tls, http.joined(client), guarded);
      log.info("http listening on {} (WebSocket signaling at /signaling, phone at"
          + " /phone; operator: dashboard, /api, /metrics)", address(main, tls));
      return new Bindings(main, Optional.empty());
    }
    boolean operatorTls = config.getBoolean("rtc2sip.http.operator.tls");
    ServerBinding main = listen(system, host, port, tls, http.joined(client));
    ServerBinding own = listen(system, config.getString("rtc2sip.http.operator.host"),
        operatorPort, operatorTls, guarded);
    log.info("http listening on {} (WebSocket signaling at /signaling, phone at /phone)",
        address(main, tls));
    log.info("operator http listening on {} (dashboard, /api, /metrics)",
        address(own, operatorTls));
    return new Bindings(main, Optional.of(own));
  }

  /** Binds one listener: HTTPS only with the node's certificate when {@code tls}. */
  private static ServerBinding listen(ActorSystem<?> system, String host, int port,
      boolean tls, Route... routes) throws Exception {
    Route route = new NodeHttp(system).joined(List.of(routes));
    ServerBuilder server = Http.get(system).newServerAt(host, port)
        // the phone's dev-token route and operator access need the client's address; set
        // here, not only in signaling's reference.conf, whose key pekko-http's own
        // reference.conf also sets
        .adaptSettings(s -> s.withRemoteAddressAttribute(true));
    if (tls) {
      server = server.enableHttps(ConnectionContext.httpsServer(NodeTls.get(system).context()));
    }
    ServerBinding binding = server.bind(route).toCompletableFuture().get(30, TimeUnit.SECONDS);
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    return binding;
  }

  private static String address(ServerBinding b, boolean tls) {
    return (tls ? "https://" : "http://") + b.localAddress().getHostString() + ":"
        + b.localAddress().getPort();
  }

  private Route joined(List<Route> routes) {
    return routes.size() == 1 ? routes.get(0)
        : concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  private Route landing() {
    return pathSingleSlash(() -> get(() -> complete(HttpResponse.create()
        .withEntity(ContentTypes.TEXT_HTML_UTF8, LANDING))));
  }

  private Route liveCall() {
    return pathPrefix("api", () -> pathPrefix("calls", () ->
        path(PathMatchers.segment().slash("live"), callId -> get(() -> ofCall(callId, () ->
            onComplete(view(callId), result -> {
              if (result.isFailure()) {
                return complete(StatusCodes.SERVICE_UNAVAILABLE,
                    "call " + callId + " did not answer within " + ASK.toSeconds() + " s: "
                        + result.failed().get().getMessage());
              }
              CallView view = result.get();
              if (view.state().equals("Idle")) {
                return complete(StatusCodes.NOT_FOUND, "no call " + callId);
              }
              return complete(HttpResponse.create()
                  .withEntity(ContentTypes.APPLICATION_JSON, toJson(view)));
            }))))));
  }

  /** {@code GET /api/calls/<id>/replay}: the call's timeline from the journal (JSON). */
  private Route replay() {
    return pathPrefix("api", () -> pathPrefix("calls", () ->
        path(PathMatchers.segment().slash("replay"), callId -> get(() -> ofCall(callId, () ->
            onComplete(timeline(callId), result -> {
              if (result.isFailure()) {
                return complete(StatusCodes.INTERNAL_SERVER_ERROR,
                    "journal not readable: " + result.failed().get().getMessage());
              }
              if (result.get().isEmpty()) {
                return complete(StatusCodes.NOT_FOUND, "no call " + callId + " in the journal");
              }
              return complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON,
                  ReplayRenderer.json(callId, result.get())));
            }))))));
  }

  /**
   * {@code inner} for a path segment that can be a call id; 404 otherwise, before it names an
   * entity or a journal query (a NUL or invalid UTF-8 would fail them, see CallIds).
   */
  private Route ofCall(String callId, java.util.function.Supplier<Route> inner) {
    return CallIds.isWellFormed(callId) ? inner.get()
        : complete(StatusCodes.NOT_FOUND, "not a call id");
  }

  /**
   * {@code GET /api/calls?uid=&number=&since=&until=&cause=&node=&call-id=&limit=}: calls from
   * the call history, newest first (JSON); 400 with the reason for a bad parameter.
   */
  private Route search() {
    return pathPrefix("api", () -> path("calls", () -> get(() -> parameterMap(params -> {
      CallRecords.Query query;
      try {
        query = CallQueries.parse(params, Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        return complete(StatusCodes.BAD_REQUEST, e.getMessage());
      }
      return onComplete(withDatabase(c -> CallRecords.search(c, query)), result ->
          result.isFailure()
              ? complete(StatusCodes.INTERNAL_SERVER_ERROR,
                  "call history not readable: " + result.failed().get().getMessage())
              : complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON,
                  CallListRenderer.json(result.get()))));
    }))));
  }

  private CompletionStage<List<CallHistory.Step>> timeline(String callId) {
    return withDatabase(c -> new CallHistory(SerializationExtension.get(system.classicSystem()))
        .timeline(c, callId));
  }

  private interface SqlQuery<T> {
    T run(Connection c) throws Exception;
  }

  /** Runs {@code query} on a connection to the journal database, off the HTTP threads. */
  private <T> CompletionStage<T> withDatabase(SqlQuery<T> query) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = JournalConfig.connect(system.settings().config())) {
        return query.run(c);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  private CompletionStage<CallView> view(String callId) {
    return ClusterSharding.get(system)
        .entityRefFor(CallEntity.TYPE_KEY, callId)
        .ask(CallCommand.GetCall::new, ASK);
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
    }
  }
}
