package io.rtc2sip.app.downing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle TCP connections between the nodes of a cluster, whose only use is to end. The node
 * listens on its liveness port and holds every connection peers make to it; it holds one
 * connection to each peer's liveness port in turn. When a peer's process dies, its kernel closes
 * its sockets and this node reads end-of-stream at once, long before a heartbeat is missed. A
 * lost link proves nothing by itself (a peer may close it and live on): the owner of this object
 * decides ({@link CrashedMemberDowning}).
 *
 * <p>One thread, one selector; nothing is ever written on a link.
 */
final class LivenessLinks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LivenessLinks.class);
  /** Inbound links held at most: one per peer node, with room; more are closed at once. */
  static final int MAX_INBOUND = 256;

  private final Selector selector;
  private final ServerSocketChannel server;
  private volatile Consumer<String> lost = key -> {};
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<String, SocketChannel> outbound = new ConcurrentHashMap<>();
  private final Set<SocketChannel> inbound = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private final ByteBuffer sink = ByteBuffer.allocate(256);
  private volatile boolean closed;
  /** Inbound connections closed for being over the limit or for sending bytes. */
  private volatile long refused;

  private LivenessLinks(Selector selector, ServerSocketChannel server) {
    this.selector = selector;
    this.server = server;
    this.thread = new Thread(this::run, "rtc2sip-liveness");
    this.thread.setDaemon(true);
  }

  /**
   * Binds the liveness port and starts the link thread.
   *
   * @param port 0 for any free port
   */
  static LivenessLinks open(String bindHost, int port) throws IOException {
    Selector selector = Selector.open();
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(new InetSocketAddress(bindHost, port), 64);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      server.close();
      selector.close();
      throw e;
    }
    LivenessLinks links = new LivenessLinks(selector, server);
    links.thread.start();
    return links;
  }

  /** Who hears of an outbound link that ended: called on the link thread with its key. */
  void onLost(Consumer<String> listener) {
    this.lost = listener;
  }

  int port() {
    return server.socket().getLocalPort();
  }

  /** Connects (again) to a peer's liveness port; an existing link under {@code key} is replaced. */
  void watch(String key, String host, int port) {
    submit(() -> {
      drop(key);
      try {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        boolean connected = channel.connect(new InetSocketAddress(host, port));
        channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, key);
        outbound.put(key, channel);
      } catch (IOException e) {
        lost.accept(key);
      }
    });
  }

  /** Stops watching a peer (it left, or was removed) without reporting it lost. */
  void unwatch(String key) {
    submit(() -> drop(key));
  }

  long refused() {
    return refused;
  }

  int inbound() {
    return inbound.size();
  }

  boolean watching(String key) {
    return outbound.containsKey(key);
  }

  private void submit(Runnable task) {
    if (closed) {
      return;
    }
    tasks.add(task);
    selector.wakeup();
  }

  private void drop(String key) {
    SocketChannel old = outbound.remove(key);
    if (old != null) {
      closeQuietly(old);
    }
  }

  private void run() {
    try {
      while (!closed) {
        selector.select(1000);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key);
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | ClosedSelectorException e) {
      if (!closed) {
        log.error("liveness links stopped: {}", e.toString());
      }
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    try {
      if (key.isAcceptable()) {
        SocketChannel peer = server.accept();
        if (peer != null && inbound.size() >= MAX_INBOUND) {
          refused++;
          closeQuietly(peer);
        } else if (peer != null) {
          peer.configureBlocking(false);
          peer.register(selector, SelectionKey.OP_READ);
          inbound.add(peer);
        }
        return;
      }
      SocketChannel channel = (SocketChannel) key.channel();
      if (key.isConnectable()) {
        channel.finishConnect();
        key.interestOps(SelectionKey.OP_READ);
        return;
      }
      if (key.isReadable()) {
        sink.clear();
        int read = channel.read(sink);
        if (read < 0) {
          ended(key);
        } else if (read > 0 && !(key.attachment() instanceof String)) {
          // peers never write on a link: whatever sends bytes here is not one
          refused++;
          ended(key);
        }
      }
    } catch (IOException e) {
      ended(key);
    }
  }

  private void ended(SelectionKey key) {
    closeQuietly(key.channel());
    inbound.remove(key.channel());
    if (key.attachment() instanceof String peer && outbound.remove(peer, key.channel())) {
      lost.accept(peer);
    }
  }

  private static void closeQuietly(java.io.Closeable channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a dead link
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    outbound.values().forEach(LivenessLinks::closeQuietly);
    inbound.forEach(LivenessLinks::closeQuietly);
    closeQuietly(selector);
  }
}
