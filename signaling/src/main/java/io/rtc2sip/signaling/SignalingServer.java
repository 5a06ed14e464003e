package io.rtc2sip.signaling;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.actors.rtc.RtcTokens;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.user.UserCommand;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client signaling server of a node: newline-delimited JSON on TCP
 * ({@code rtc2sip.signaling}; only TLS when started with the node's TLS context) and the same
 * messages over WebSocket ({@link #websocketRoute()}, mounted by the node at {@code /signaling}
 * on its HTTP port) with the browser phone that uses it ({@link #phoneRoutes()}), plus the
 * clients port calls tell their users through ({@link #notifications()}).
 */
public final class SignalingServer extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);
  private static final String TOO_LONG = "\u0000too-long";

  /** What every connection of the node shares. */
  record Shared(SignalingSettings settings, Tokens tokens, Entities entities,
      NotificationRouter router, String node, RtcTokens rtcTokens, WebRtcLegs webRtc,
      SignalingCounters counters, JournalAvailability journal) {}

  /** The connections open now (closed by {@link #stop}). */
  private final java.util.Set<ClientSession> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ActorSystem<?> system;
  private final Shared shared;
  private final ActorRef<Object> routerActor;
  private final AtomicLong connections = new AtomicLong();
  private final ConnectionLimits limits;
  private final WebSocketGate gate;
  private volatile Tcp.ServerBinding binding;

  private SignalingServer(ActorSystem<?> system, Shared shared, ActorRef<Object> routerActor) {
    this.system = system;
    this.shared = shared;
    this.routerActor = routerActor;
    SignalingSettings s = shared.settings();
    this.limits = new ConnectionLimits(s.maxConnections(), s.maxConnectionsPerAddress());
    this.gate = new WebSocketGate(s.allowedOrigins());
    shared.counters().openConnections(limits::open);
  }

  /** Starts the router and binds the TCP listener, for an RTC network without tokens. */
  public static SignalingServer start(
      ActorSystem<?> system,
      SignalingSettings settings,
      EntityMessenger<CallCommand> calls,
      EntityMessenger<UserCommand> users) throws Exception {
    return start(system, settings, calls, users, RtcTokens.NONE, WebRtcLegs.NONE);
  }

  /** Starts the router and binds the plain TCP listener. */
  public static SignalingServer start(
      ActorSystem<?> system,
      SignalingSettings settings,
      EntityMessenger<CallCommand> calls,
      EntityMessenger<UserCommand> users,
      RtcTokens rtcTokens,
      WebRtcLegs webRtc) throws Exception {
    return start(system, settings, calls, users, rtcTokens, webRtc, Optional.empty());
  }

  /**
   * Starts the router and binds the TCP listener.
   *
   * @param rtcTokens the tokens clients get with their calls to join the RTC channel
   * @param webRtc checks the WebRTC offers clients bring before a call is made with them
   * @param tls the node's TLS context: the port then speaks only TLS; empty: plain TCP
   */
  public static SignalingServer start(
      ActorSystem<?> system,
      SignalingSettings settings,
      EntityMessenger<CallCommand> calls,
      EntityMessenger<UserCommand> users,
      RtcTokens rtcTokens,
      WebRtcLegs webRtc,
      Optional<SSLContext> tls) throws Exception {
    if (settings.developmentSecret()) {
      log.warn("signaling tokens are signed with the built-in development secret: set"
          + " RTC2SIP_SIGNALING_TOKEN_SECRET for anything but a local run");
    }
    String node = system.address().toString();
    Entities entities = new Entities(system, calls, users, settings.askTimeout(), "signaling");
    NotificationRouter router = new NotificationRouter(node, entities);
    ActorRef<Object> routerActor;
    try {
      routerActor = system.systemActorOf(router.behavior(), "signaling-router", Props.empty());
    } catch (RuntimeException e) {
      entities.stop(); // a start that failed half-way leaves nothing behind
      throw e;
    }
    Shared shared = new Shared(settings, new Tokens(settings.tokenSecret(), Clock.systemUTC()),
        entities, router, node, rtcTokens, webRtc, new SignalingCounters(),
        JournalAvailability.get(system));
    SignalingServer server = new SignalingServer(system, shared, routerActor);
    Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections =
        tls.isEmpty() ? Tcp.get(system).bind(settings.host(), settings.port())
            : Tcp.get(system).bindWithTls(settings.host(), settings.port(),
                () -> serverEngine(tls.get()));
    server.binding = connections
        .to(Sink.foreach(c -> c.handleWith(server.tcpFlow(
            c.remoteAddress().getAddress().getHostAddress()), system)))
        .run(system)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    log.info("signaling listening on {}://{}:{} (JSON lines{})", tls.isEmpty() ? "tcp" : "tls",
        server.binding.localAddress().getHostString(), server.binding.localAddress().getPort(),
        tls.isEmpty() ? "" : " over TLS");
    return server;
  }

  /** A server-side engine of {@code context}; no client certificate asked for. */
  private static SSLEngine serverEngine(SSLContext context) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  /** The clients port: calls and user sessions on this node send their notifications here. */
  public ActorRef<ClientNotification> notifications() {
    return routerActor.narrow();
  }

  /** What the server refused, and its open connections (for the node's metrics). */
  public SignalingCounters counters() {
    return shared.counters();
  }

  /** The TCP port actually bound (the configured one, or the one picked for port 0). */
  public int port() {
    return binding.localAddress().getPort();
  }

  /**
   * The WebSocket endpoint, {@code GET /signaling} with an upgrade: 403 for a browser origin
   * that is not allowed ({@link WebSocketGate}), 503 over the connection caps.
   */
  public Route websocketRoute() {
    return path("signaling", () -> extractRequest(request ->
        optionalAttribute(AttributeKeys.remoteAddress, remote -> {
          var refusal = gate.refusal(request);
          if (refusal.isPresent()) {
            shared.counters().refusedAndLogged("origin", refusal.get());
            return complete(StatusCodes.FORBIDDEN, refusal.get());
          }
          String address = remote.flatMap(RemoteAddress::getAddress)
              .map(InetAddress::getHostAddress).orElse("unknown");
          var full = limits.refusal(address);
          if (full.isPresent()) {
            shared.counters().refusedAndLogged("too-many-connections",
                "WebSocket from " + address + ": " + full.get());
            return complete(StatusCodes.SERVICE_UNAVAILABLE, full.get());
          }
          return handleWebSocketMessages(websocketFlow(address));
        })));
  }

  /** The browser phone at {@code /phone} and its development tokens ({@link PhoneRoutes}). */
  public Route phoneRoutes() {
    return new PhoneRoutes(shared.settings().tokenSecret(), Clock.systemUTC(),
        shared.settings().publicUrls()).route();
  }

  /**
   * Stops taking connections and closes the open ones (their clients go to another node), then
   * stops the server's actors.
   */
  public CompletionStage<Done> stop() {
    CompletionStage<Boolean> router = org.apache.pekko.pattern.Patterns.gracefulStop(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(routerActor),
        java.time.Duration.ofSeconds(10));
    return binding.unbind()
        .thenApply(v -> {
          open.forEach(ClientSession::onServerStopping);
          return v;
        })
        .thenCompose(v -> shared.entities().stop())
        .thenCompose(v -> router)
        .thenApply(v -> Done.getInstance());
  }

  // ---------------------------------------------------------------- transports

  private Flow<ByteString, ByteString, NotUsed> tcpFlow(String address) {
    var full = limits.open(address);
    if (full.isPresent()) {
      shared.counters().refusedAndLogged("too-many-connections",
          "TCP from " + address + ": " + full.get());
      return Flow.fromSinkAndSourceCoupled(Sink.ignore(), Source.single(ByteString.fromString(
          Protocol.error(null, "too-many-connections", full.get()) + "\n",
          StandardCharsets.UTF_8)));
    }
    Pair<SourceQueueWithComplete<String>, Source<String, NotUsed>> out =
        Source.<String>queue(256, OverflowStrategy.dropHead()).preMaterialize(system);
    ClientSession session = opened("tcp-", out.first(), address);
    Sink<ByteString, CompletionStage<Done>> in = Flow.<ByteString>create()
        .statefulMapConcat(() -> new LineSplitter(shared.settings().maxLine())::split)
        .idleTimeout(shared.settings().idleTimeout())
        .toMat(Sink.foreach(line -> dispatch(session, line)), (a, b) -> b);
    return Flow.fromSinkAndSourceCoupled(in, out.second()
            .map(json -> ByteString.fromString(json + "\n", StandardCharsets.UTF_8)))
        .watchTermination((nu, done) -> closedWhenDone(done, session, address));
  }

  /**
   * A text message is read as it streams in, at most {@code max-line} bytes of it: a longer
   * one is refused ({@code too-long}) as soon as it passes the limit and the rest of it is
   * dropped as it arrives; binary messages are dropped likewise.
   */
  private Flow<Message, Message, NotUsed> websocketFlow(String address) {
    // the slot and the session only once the upgrade happened and the flow runs: a request
    // that never becomes a WebSocket leaves nothing behind
    return Flow.fromMaterializer((mat, attributes) -> {
      var full = limits.open(address);
      if (full.isPresent()) { // others took the last slots since the check before the upgrade
        shared.counters().refusedAndLogged("too-many-connections",
            "WebSocket from " + address + ": " + full.get());
        return Flow.fromSinkAndSourceCoupled(Sink.<Message>ignore(), Source.single((Message)
            TextMessage.create(Protocol.error(null, "too-many-connections", full.get()))));
      }
      return websocketSession(address);
    }).mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private Flow<Message, Message, NotUsed> websocketSession(String address) {
    Pair<SourceQueueWithComplete<String>, Source<String, NotUsed>> out =
        Source.<String>queue(256, OverflowStrategy.dropHead()).preMaterialize(system);
    ClientSession session = opened("ws-", out.first(), address);
    int max = shared.settings().maxLine();
    Sink<Message, CompletionStage<Done>> in = Flow.<Message>create()
        .mapAsync(1, m -> m.isText()
            ? WebSocketText.read(m.asTextMessage().getStreamedText(), max,
                    session::onOversized, system)
                .thenApply(text -> text == null ? "" : text)
            : m.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system)
                .thenApply(d -> "{\"type\":\"binary\"}"))
        .idleTimeout(shared.settings().idleTimeout())
        .toMat(Sink.foreach(line -> dispatch(session, line)), (a, b) -> b);
    return Flow.fromSinkAndSourceCoupled(in, out.second().map(json -> (Message)
            TextMessage.create(json)))
        .watchTermination((nu, done) -> closedWhenDone(done, session, address));
  }

  /** A session for a new connection, which must log in within {@code login-timeout}. */
  private ClientSession opened(String prefix, SourceQueueWithComplete<String> queue,
      String address) {
    ClientSession session = new ClientSession(prefix + connections.incrementAndGet(),
        outbox(queue), shared);
    open.add(session);
    session.onClose(() -> open.remove(session));
    Cancellable deadline = system.scheduler().scheduleOnce(shared.settings().loginTimeout(),
        session::onLoginDeadline, system.executionContext());
    session.onClose(deadline::cancel);
    return session;
  }

  private NotUsed closedWhenDone(CompletionStage<Done> done, ClientSession session,
      String address) {
    done.whenComplete((d, failure) -> {
      limits.close(address);
      session.onClosed();
    });
    return NotUsed.getInstance();
  }

  private static void dispatch(ClientSession session, String line) {
    if (line == TOO_LONG) {
      session.onOversized();
    } else if (!line.isBlank()) {
      session.onLine(line);
    }
  }

  private static ClientSession.Outbox outbox(SourceQueueWithComplete<String> queue) {
    return new ClientSession.Outbox() {
      @Override
      public void send(String json) {
        queue.offer(json);
      }

      @Override
      public void close() {
        queue.complete();
      }
    };
  }

  /**
   * Splits bytes into UTF-8 lines; a line longer than the limit is reported once (as {@link
   * #TOO_LONG}) and skipped up to its end, so one bad line does not cost the connection.
   */
  static final class LineSplitter {
    private final int max;
    private ByteString buffer = ByteString.emptyByteString();
    private boolean discarding;

    LineSplitter(int max) {
      this.max = max;
    }

    List<String> split(ByteString bytes) {
      List<String> lines = new ArrayList<>();
      buffer = buffer.concat(bytes);
      int nl;
      while ((nl = buffer.indexOf((byte) '\n')) >= 0) {
        ByteString line = buffer.take(nl);
        buffer = buffer.drop(nl + 1);
        if (discarding) {
          discarding = false;
        } else if (line.size() > max) {
          lines.add(TOO_LONG);
        } else {
          lines.add(line.decodeString(StandardCharsets.UTF_8).strip());
        }
      }
      if (buffer.size() > max) {
        if (!discarding) {
          lines.add(TOO_LONG);
          discarding = true;
        }
        buffer = ByteString.emptyByteString();
      }
      return lines;
    }
  }
}
