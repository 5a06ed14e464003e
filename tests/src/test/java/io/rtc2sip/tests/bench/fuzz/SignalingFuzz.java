package io.rtc2sip.tests.bench.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends fuzzed signaling messages over TCP (JSON lines) and WebSocket, each connection from its
 * own thread, reconnecting whenever the node closes one (as it should after enough refusals).
 * What the node answers is read and counted.
 */
final class SignalingFuzz {
  private final int tcpPort;
  private final int httpPort;
  private final long seed;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong answers = new AtomicLong();
  final AtomicLong connections = new AtomicLong();
  final AtomicLong refusedConnections = new AtomicLong();

  SignalingFuzz(int tcpPort, int httpPort, long seed) {
    this.tcpPort = tcpPort;
    this.httpPort = httpPort;
    this.seed = seed;
  }

  /**
   * Sends {@code tcpMessages} over {@code tcpClients} TCP connections (from 127.0.0.30 on) and
   * {@code wsMessages} over {@code wsClients} WebSockets, at about {@code perSecond} in all.
   */
  void run(long tcpMessages, int tcpClients, long wsMessages, int wsClients, int perSecond)
      throws InterruptedException {
    int clients = tcpClients + wsClients;
    Thread[] threads = new Thread[clients];
    for (int i = 0; i < clients; i++) {
      int k = i;
      long share = k < tcpClients ? tcpMessages / tcpClients : wsMessages / wsClients;
      long pace = Math.max(1, perSecond / clients);
      threads[i] = new Thread(() -> {
        SignalingMessages messages = new SignalingMessages(seed * 1000 + k);
        if (k < tcpClients) {
          tcp(messages, "127.0.0." + (30 + k % 10), "fz-tcp-" + k, share, pace);
        } else {
          ws(messages, "fz-ws-" + k, share, pace);
        }
      }, "fuzz-signaling-" + k);
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private void tcp(SignalingMessages messages, String from, String uid, long count, long pace) {
    long start = System.nanoTime();
    long n = 0;
    while (n < count) {
      try (Socket socket = new Socket()) {
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 2000);
        connections.incrementAndGet();
        Thread reader = reader(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        if (n % 3 == 0) {
          out.write((messages.login(uid) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        while (n < count) {
          pace(start, n, pace);
          out.write((messages.next(n) + "\n").getBytes(StandardCharsets.UTF_8));
          n++;
          sent.incrementAndGet();
          if (!reader.isAlive()) {
            break; // the node closed the connection
          }
        }
        socket.shutdownOutput();
        reader.join(2000);
      } catch (IOException e) {
        refusedConnections.incrementAndGet();
        n++; // the message that met the closed connection counts as sent once
        sent.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Thread reader(InputStream in) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        int r;
        while ((r = in.read(buf)) > 0) {
          for (int i = 0; i < r; i++) {
            if (buf[i] == '\n') {
              answers.incrementAndGet();
            }
          }
        }
      } catch (IOException closed) {
        // the node closed the connection, or we did
      }
    }, "fuzz-signaling-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void ws(SignalingMessages messages, String uid, long count, long pace) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long start = System.nanoTime();
    long n = 0;
    while (n < count) {
      WebSocket socket = null;
      try {
        CompletionStageListener listener = new CompletionStageListener();
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
            .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/signaling"), listener)
            .get(5, TimeUnit.SECONDS);
        connections.incrementAndGet();
        if (n % 3 == 0) {
          socket.sendText(messages.login(uid), true).get(5, TimeUnit.SECONDS);
        }
        while (n < count && !listener.closed) {
          pace(start, n, pace);
          String m = messages.next(n);
          if (m.length() > 4096 && n % 2 == 0) { // a huge message in fragments
            socket.sendText(m.substring(0, 4096), false).get(5, TimeUnit.SECONDS);
            socket.sendText(m.substring(4096), true).get(5, TimeUnit.SECONDS);
          } else {
            socket.sendText(m, true).get(5, TimeUnit.SECONDS);
          }
          n++;
          sent.incrementAndGet();
        }
      } catch (Exception e) {
        refusedConnections.incrementAndGet();
        n++;
        sent.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      } finally {
        if (socket != null) {
          socket.abort();
        }
      }
    }
  }

  private static void pace(long start, long n, long perSecond) {
    long wait = start + n * 1_000_000_000L / perSecond - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  /** Counts what the node sends on a WebSocket and notes when it closes. */
  private final class CompletionStageListener implements WebSocket.Listener {
    volatile boolean closed;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (last) {
        answers.incrementAndGet();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed = true;
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed = true;
    }
  }
}
