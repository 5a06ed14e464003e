package io.rtc2sip.rtc.loopback;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client of the loopback RTC network: joins a channel as a user, sends 10 ms frames of 48 kHz
 * mono PCM and receives the gateway's. Used by tests and the client CLI as the RTC side of a call.
 */
public final class LoopbackRtcClient implements AutoCloseable {
  public static final int FRAME_SAMPLES = Wire.SAMPLES;

  private final DatagramChannel socket;
  private final String channel;
  private final String uid;
  private final BlockingQueue<short[]> received = new LinkedBlockingQueue<>();
  private final ByteBuffer out = ByteBuffer.allocate(Wire.MAX);
  private final ScheduledExecutorService keepalive;
  private int sequence;

  private LoopbackRtcClient(DatagramChannel socket, String channel, String uid) {
    this.socket = socket;
    this.channel = channel;
    this.uid = uid;
    Thread reader = new Thread(this::read, "loopback-rtc-client-" + uid);
    reader.setDaemon(true);
    reader.start();
    keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loopback-rtc-keepalive-" + uid);
      t.setDaemon(true);
      return t;
    });
    keepalive.scheduleAtFixedRate(() -> control(Wire.KEEPALIVE), 2, 2, TimeUnit.SECONDS);
  }

  /** Joins {@code channel} as {@code uid} on the network at {@code network}. */
  public static LoopbackRtcClient join(InetSocketAddress network, String channel, String uid)
      throws IOException {
    DatagramChannel socket = DatagramChannel.open()
        .bind(new InetSocketAddress(network.getAddress(), 0)).connect(network);
    LoopbackRtcClient client = new LoopbackRtcClient(socket, channel, uid);
    client.control(Wire.JOIN);
    return client;
  }

  /** Sends one frame (480 samples). */
  public synchronized void send(short[] frame) throws IOException {
    socket.write(Wire.encode(out, Wire.FRAME, channel, uid, sequence++, frame));
  }

  /** The next frame from the gateway, or null after {@code timeoutMs}. */
  public short[] receive(long timeoutMs) throws InterruptedException {
    return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Drops the frames received and not taken yet (audio from before a change); returns how many. */
  public int discardReceived() {
    return received.drainTo(new java.util.ArrayList<>());
  }

  private synchronized void control(byte type) {
    try {
      socket.write(Wire.encode(out, type, channel, uid, 0, null));
    } catch (IOException e) {
      // the network is gone; the reader ends too
    }
  }

  private void read() {
    ByteBuffer buf = ByteBuffer.allocate(Wire.MAX + 16);
    while (socket.isOpen()) {
      try {
        buf.clear();
        socket.read(buf);
        buf.flip();
        short[] samples = new short[Wire.SAMPLES];
        Wire.Packet p = Wire.decode(buf, samples);
        if (p != null && p.type() == Wire.FRAME) {
          received.add(samples);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    control(Wire.LEAVE);
    keepalive.shutdownNow();
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to lose
    }
  }
}
