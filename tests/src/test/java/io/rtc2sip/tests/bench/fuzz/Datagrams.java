package io.rtc2sip.tests.bench.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * UDP senders on several loopback source addresses (127.0.0.x), paced to a rate, that read and
 * count whatever comes back (so the node's answers never pile up in a socket buffer).
 */
final class Datagrams implements AutoCloseable {
  private final List<DatagramChannel> sockets = new ArrayList<>();
  private final ByteBuffer in = ByteBuffer.allocate(65536);
  private final int perSecond;
  private long sent;
  private long failed;
  private long answers;
  private long answerBytes;
  private final long start = System.nanoTime();

  /** Sockets on 127.0.0.{@code firstHost} .. +{@code hosts}-1, sending {@code perSecond}. */
  Datagrams(int firstHost, int hosts, int perSecond) throws IOException {
    this.perSecond = perSecond;
    for (int i = 0; i < hosts; i++) {
      DatagramChannel c = DatagramChannel.open();
      c.bind(new InetSocketAddress("127.0.0." + (firstHost + i), 0));
      c.configureBlocking(false);
      sockets.add(c);
    }
  }

  /** The address datagrams of socket {@code i} come from. */
  InetSocketAddress source(int i) throws IOException {
    return (InetSocketAddress) sockets.get(i % sockets.size()).getLocalAddress();
  }

  int sources() {
    return sockets.size();
  }

  /** Sends from socket {@code i} (modulo) to {@code to}, waiting for the pace. */
  void send(int i, byte[] datagram, InetSocketAddress to) {
    long due = start + sent * 1_000_000_000L / perSecond;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      drain();
      LockSupport.parkNanos(wait);
    }
    try {
      sockets.get(i % sockets.size()).send(ByteBuffer.wrap(datagram, 0,
          Math.min(datagram.length, 65000)), to);
    } catch (IOException e) {
      failed++; // ICMP unreachable from a port nobody listens on, and the like
    }
    sent++;
    if (sent % 64 == 0) {
      drain();
    }
  }

  void drain() {
    for (DatagramChannel c : sockets) {
      try {
        for (int k = 0; k < 64; k++) {
          in.clear();
          if (c.receive(in) == null) {
            break;
          }
          answers++;
          answerBytes += in.position();
        }
      } catch (IOException ignored) {
        // an ICMP error reported on the socket: nothing to read
      }
    }
  }

  long sent() {
    return sent;
  }

  long answers() {
    return answers;
  }

  long failed() {
    return failed;
  }

  @Override
  public void close() {
    drain();
    for (DatagramChannel c : sockets) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing to lose on a datagram socket
      }
    }
  }
}
