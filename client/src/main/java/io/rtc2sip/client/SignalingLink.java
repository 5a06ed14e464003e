package io.rtc2sip.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CLI's logged-in signaling connection to one of its {@link Servers}: prints every server
 * line, matches replies to requests, pings, and when the connection drops connects to the next
 * server that answers (with the servers' backoff, for at most {@link #RECONNECT_FOR}) and logs
 * in again. Not after {@code session-replaced}: the user logged in elsewhere on purpose.
 */
final class SignalingLink {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a lost connection is retried before the client gives up. */
  static final Duration RECONNECT_FOR = Duration.ofSeconds(120);

  /** What the client does with the link's news; called on the link's threads. */
  interface Listener {
    /** A server message that is not a reply to a request. */
    void notified(JsonNode message);

    /** Connected and logged in again after a loss, to {@code server}. */
    void reconnected(InetSocketAddress server) throws Exception;

    /** No server can be had any more (or the session was replaced): the link is closed. */
    void closed();
  }

  private final Servers servers;
  private final Transport transport;
  private final String uid;
  private final String token;
  private final PrintStream print;
  private final Listener listener;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  /** A reconnect is under way: connections it opens and drops again start no other. */
  private final AtomicBoolean reconnecting = new AtomicBoolean();
  private volatile Socket socket;
  private volatile OutputStream out;
  private volatile boolean closing;
  private volatile boolean replaced;

  SignalingLink(Servers servers, Transport transport, String uid, String token,
      PrintStream print, Listener listener) {
    this.servers = servers;
    this.transport = transport;
    this.uid = uid;
    this.token = token;
    this.print = print;
    this.listener = listener;
  }

  /**
   * The first connection: each server once, in order; false when the login is refused, an
   * IOException when no server could be reached.
   */
  boolean connect() throws Exception {
    IOException last = null;
    for (int i = 0; i < servers.size(); i++) {
      try {
        return open();
      } catch (IOException e) {
        last = e;
        System.err.println("signaling server " + servers.current() + ": " + e.getMessage());
        servers.failed();
      }
    }
    throw last;
  }

  InetSocketAddress server() {
    return servers.current();
  }

  /** Connects to the current server and logs in; false when the login is refused. */
  private boolean open() throws Exception {
    InetSocketAddress at = servers.current();
    Socket s = transport.open(at);
    socket = s;
    out = s.getOutputStream();
    startReader(s);
    JsonNode login = request(JSON.createObjectNode().put("type", "login").put("uid", uid)
        .put("token", token));
    if (!"result".equals(login.path("type").asText())) {
      s.close();
      return false;
    }
    servers.connected();
    return true;
  }

  private void startReader(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
        StandardCharsets.UTF_8));
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          received(JSON.readTree(line), line);
        }
      } catch (IOException e) {
        // the connection ended
      }
      lost(s);
    }, "signaling-reader");
    reader.setDaemon(true);
    reader.start();
    Thread keepalive = new Thread(() -> {
      try {
        while (socket == s && !s.isClosed()) {
          Thread.sleep(20_000);
          send(JSON.createObjectNode().put("type", "ping"));
        }
      } catch (Exception e) {
        // stopped with the connection
      }
    }, "signaling-keepalive");
    keepalive.setDaemon(true);
    keepalive.start();
  }

  private void received(JsonNode n, String line) {
    synchronized (print) {
      print.println(line);
    }
    CompletableFuture<JsonNode> waiting = n.hasNonNull("id") ? pending.remove(n.get("id")
        .asText()) : null;
    if (waiting != null) {
      waiting.complete(n);
      return;
    }
    if (n.path("type").asText().equals("session-replaced")) {
      replaced = true;
    }
    listener.notified(n);
  }

  /** The connection {@code s} ended: unless closing or replaced, another takes over. */
  private void lost(Socket s) {
    pending.values().forEach(f -> f.complete(JSON.createObjectNode().put("type", "closed")));
    if (closing || socket != s) {
      return;
    }
    if (replaced) {
      listener.closed();
      return;
    }
    if (!reconnecting.compareAndSet(false, true)) {
      return;
    }
    try {
      reconnect();
    } finally {
      reconnecting.set(false);
    }
  }

  private void reconnect() {
    long deadline = System.nanoTime() + RECONNECT_FOR.toNanos();
    Duration wait = servers.failed();
    while (!closing && System.nanoTime() < deadline) {
      try {
        Thread.sleep(wait.toMillis());
        if (open()) {
          reconnecting.set(false); // a loss of this new connection reconnects again
          listener.reconnected(servers.current());
          return;
        }
        System.err.println("login refused by " + servers.current());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        System.err.println("signaling server " + servers.current() + ": " + e.getMessage());
      }
      wait = servers.failed();
    }
    if (!closing) {
      System.err.println("no signaling server answered within " + RECONNECT_FOR.toSeconds()
          + " s");
      listener.closed();
    }
  }

  /**
   * Sends a request and waits for its reply: an error {@code timeout} after 15 s or when it
   * cannot be sent, {@code closed} when the connection drops first.
   */
  JsonNode request(ObjectNode message) throws Exception {
    String id = "c" + ids.incrementAndGet();
    message.put("id", id);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      send(message);
      return reply.get(15, TimeUnit.SECONDS);
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      return JSON.createObjectNode().put("type", "error").put("code", "timeout");
    } finally {
      pending.remove(id);
    }
  }

  synchronized void send(ObjectNode message) throws IOException {
    OutputStream o = out;
    if (o == null) {
      throw new IOException("not connected");
    }
    o.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    o.flush();
  }

  /** Closes the connection for good: no reconnect. */
  void close() {
    closing = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
