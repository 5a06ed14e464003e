package io.rtc2sip.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
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
import org.apache.pekko.http.javadsl.Http;
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
 * The node's HTTP listener ({@code rtc2sip.http}, RTC2SIP_HTTP_PORT): the routes of the modules
 * that serve HTTP (dashboard, signaling WebSocket, browser phone), a landing page at {@code /}
 * that links to the phone and the dashboard, and the live view of a call
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

  /** Binds the listener with the live call view and {@code routes}; logs its address. */
  static ServerBinding bind(ActorSystem<?> system, List<Route> routes) throws Exception {
    NodeHttp http = new NodeHttp(system);
    List<Route> all = new ArrayList<>(routes);
    all.add(http.landing());
    all.add(http.liveCall());
    all.add(http.replay());
    all.add(http.search());
    Route route = http.concat(all.get(0), all.subList(1, all.size()).toArray(Route[]::new));
    String host = system.settings().config().getString("rtc2sip.http.host");
    int port = system.settings().config().getInt("rtc2sip.http.port");
    ServerBinding binding =
        Http.get(system).newServerAt(host, port)
            // the phone's dev-token route needs the client's address; set here, not only in
            // signaling's reference.conf, whose key pekko-http's own reference.conf also sets
            .adaptSettings(s -> s.withRemoteAddressAttribute(true))
            .bind(route).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    log.info("http listening on http://{} (API, WebSocket signaling at /signaling,"
        + " phone at /phone)",
        binding.localAddress().getHostString() + ":" + binding.localAddress().getPort());
    return binding;
  }

  private Route landing() {
    return pathSingleSlash(() -> get(() -> complete(HttpResponse.create()
        .withEntity(ContentTypes.TEXT_HTML_UTF8, LANDING))));
  }

  private Route liveCall() {
    return pathPrefix("api", () -> pathPrefix("calls", () ->
        path(PathMatchers.segment().slash("live"), callId -> get(() ->
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
            })))));
  }

  /** {@code GET /api/calls/<id>/replay}: the call's timeline from the journal (JSON). */
  private Route replay() {
    return pathPrefix("api", () -> pathPrefix("calls", () ->
        path(PathMatchers.segment().slash("replay"), callId -> get(() ->
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
            })))));
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
