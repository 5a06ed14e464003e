package io.rtc2sip.dashboard;

import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.persistence.history.CallHistoryProjection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The operator's HTTP routes served by every node: the supervision dashboard
 * ({@code /dashboard}, live over server-sent events at {@code /dashboard/events}), the SIP
 * messages of a call from every node ({@code /api/calls/<id>/sip}) and the node's Prometheus
 * metrics ({@code /metrics}).
 */
public final class DashboardRoutes extends AllDirectives {
  private static final ContentType.WithCharset JS =
      MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);
  /** Prometheus reads text/plain as its text exposition format (version 0.0.4). */
  private static final ContentType.WithCharset PROMETHEUS = ContentTypes.TEXT_PLAIN_UTF8;

  private final ClusterView view;
  private final NodeMetrics metrics;
  private final Duration interval;

  private DashboardRoutes(ClusterView view, NodeMetrics metrics, Duration interval) {
    this.view = view;
    this.metrics = metrics;
    this.interval = interval;
  }

  /**
   * The routes, and this node's {@link NodeReports} started.
   *
   * @param entityTypes the sharded entity types whose shards the dashboard shows
   */
  public static Route start(ActorSystem<?> system, CallHistoryProjection.Database database,
      List<EntityTypeKey<?>> entityTypes) {
    NodeReports.start(system);
    Duration interval = system.settings().config().getDuration("rtc2sip.dashboard.interval");
    DashboardRoutes routes = new DashboardRoutes(
        new ClusterView(system, database, entityTypes, Clock.systemUTC()),
        NodeMetrics.get(system), interval);
    return routes.all();
  }

  private Route all() {
    return concat(
        path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(
            HttpEntities.create(PROMETHEUS, metrics.scrape()))))),
        pathPrefix("dashboard", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> resource("index.html",
                ContentTypes.TEXT_HTML_UTF8))),
            path("app.js", () -> get(() -> resource("app.js", JS))),
            path("events", () -> get(() -> completeOK(events(),
                org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling
                    .toEventStream()))))),
        pathPrefix("api", () -> pathPrefix("calls", () ->
            path(PathMatchers.segment().slash("sip"), callId -> get(() ->
                onSuccess(view.sipTrace(callId), messages ->
                    completeOK(messages, Jackson.marshaller(ClusterView.JSON))))))));
  }

  private Source<ServerSentEvent, NotUsed> events() {
    return Source.tick(Duration.ZERO, interval, "tick")
        .mapAsync(1, tick -> view.snapshot())
        .map(ServerSentEvent::create)
        .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat)
        .mapMaterializedValue(cancellable -> NotUsed.getInstance());
  }

  private Route resource(String name, ContentType type) {
    return getFromResource("dashboard/" + name, type);
  }
}
