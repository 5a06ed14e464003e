package io.rtc2sip.media;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket thread for media: waits on every call's sockets and hands each datagram, stamped with
 * its arrival time, to the call's receiver (which copies it into a ring). Never blocks on a call.
 * The media bridge has one for RTP; the WebRTC legs of a node have their own.
 */
public final class MediaIo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaIo.class);

  /** Where the datagrams of one socket go; the buffer is reused after the call returns. */
  public interface Receiver {
    void received(ByteBuffer datagram, SocketAddress from, long arrivalNanos);
  }

  private final Selector selector;
  private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(PacketRing.MAX_PACKET + 64);
  private final LongSupplier clock;
  private final Thread thread;
  private volatile boolean running = true;

  MediaIo(LongSupplier clock) throws IOException {
    this(clock, "rtc2sip-media-io");
  }

  /** A socket thread named {@code threadName}, stamping arrivals with {@code clock}. */
  public MediaIo(LongSupplier clock, String threadName) throws IOException {
    this.clock = clock;
    this.selector = Selector.open();
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts reading {@code channel} (non-blocking) into {@code receiver}; closing it stops. */
  public void register(DatagramChannel channel, Receiver receiver) {
    pending.add(() -> {
      try {
        channel.register(selector, SelectionKey.OP_READ, receiver);
      } catch (IOException e) {
        log.warn("cannot watch media socket {}: {}", channel, e.toString());
      }
    });
    selector.wakeup();
  }

  private void run() {
    while (running) {
      try {
        selector.select(1000);
        Runnable r;
        while ((r = pending.poll()) != null) {
          r.run();
        }
        var keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (key.isValid() && key.isReadable()) {
            drain((DatagramChannel) key.channel(), (Receiver) key.attachment());
          }
        }
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("media socket thread: {}", e.toString());
      }
    }
  }

  private void drain(DatagramChannel channel, Receiver receiver) {
    for (int i = 0; i < 64; i++) {
      buffer.clear();
      SocketAddress from;
      try {
        from = channel.receive(buffer);
      } catch (IOException e) {
        return; // the socket was closed by its call
      }
      if (from == null) {
        return;
      }
      buffer.flip();
      receiver.received(buffer, from, clock.getAsLong());
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing the selector releases its keys; nothing to lose
    }
  }
}
