package io.rtc2sip.rtc.loopback;

import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.actors.rtc.RtcLegs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The loopback RTC network of a node (docs/rtc.md): clients join a channel by name over UDP and
 * exchange 10 ms frames with the gateway's bot user of the call bridged to that channel. It
 * implements the RTC port for the media bridge. For local runs and tests; not a media server.
 */
public final class LoopbackRtcNetwork implements RtcLegs, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoopbackRtcNetwork.class);
  private static final int QUEUED_FRAMES = 20;

  private record Member(SocketAddress address, long lastSeenNanos) {}

  private final DatagramChannel socket;
  private final long peerTimeoutNanos;
  private final Map<String, Map<String, Member>> members = new ConcurrentHashMap<>();
  private final Map<String, List<Bot>> bots = new ConcurrentHashMap<>();
  private final AtomicLong malformed = new AtomicLong();
  private final Thread receiver;
  private final ScheduledExecutorService sweeper;

  private LoopbackRtcNetwork(DatagramChannel socket, Duration peerTimeout) {
    this.socket = socket;
    this.peerTimeoutNanos = peerTimeout.toNanos();
    this.receiver = new Thread(this::receive, "rtc2sip-rtc-loopback");
    receiver.setDaemon(true);
    receiver.start();
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rtc2sip-rtc-loopback-sweep");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  /** Binds the network on {@code host:port} (0: any free port). */
  public static LoopbackRtcNetwork start(String host, int port, Duration peerTimeout)
      throws IOException {
    DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress(host, port));
    LoopbackRtcNetwork network = new LoopbackRtcNetwork(socket, peerTimeout);
    InetSocketAddress bound = (InetSocketAddress) socket.getLocalAddress();
    log.info("loopback RTC network listening on udp://{}:{}", bound.getHostString(),
        bound.getPort());
    return network;
  }

  public InetSocketAddress address() throws IOException {
    return (InetSocketAddress) socket.getLocalAddress();
  }

  @Override
  public String clientAddress() {
    try {
      InetSocketAddress bound = address();
      return bound.getHostString() + ":" + bound.getPort();
    } catch (IOException e) {
      return null; // closed: no client can join here any more
    }
  }

  /** Datagrams ignored because they were not loopback RTC packets. */
  public long malformed() {
    return malformed.get();
  }

  @Override
  public RtcAudio join(String callId, RtcLeg leg, Runnable peerLeft) {
    Bot bot = new Bot(callId, leg, peerLeft);
    bots.computeIfAbsent(leg.channel(), c -> new CopyOnWriteArrayList<>()).add(bot);
    log.info("call {}: bot joined channel {} for {}", callId, leg.channel(), leg.uid());
    return bot;
  }

  private void receive() {
    ByteBuffer buf = ByteBuffer.allocate(Wire.MAX + 16);
    short[] samples = new short[Wire.SAMPLES];
    while (socket.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = socket.receive(buf);
        buf.flip();
        Wire.Packet p = Wire.decode(buf, samples);
        if (p == null) {
          malformed.incrementAndGet();
          continue;
        }
        handle(p, from, samples);
      } catch (IOException e) {
        if (socket.isOpen()) {
          log.warn("loopback RTC network: {}", e.toString());
        }
      } catch (RuntimeException e) {
        log.warn("loopback RTC datagram not handled: {}", e.toString());
      }
    }
  }

  private void handle(Wire.Packet p, SocketAddress from, short[] samples) {
    Map<String, Member> channel = members.computeIfAbsent(p.channel(),
        c -> new ConcurrentHashMap<>());
    switch (p.type()) {
      case Wire.JOIN, Wire.KEEPALIVE -> {
        if (channel.put(p.uid(), new Member(from, System.nanoTime())) == null) {
          log.info("{} joined channel {} from {}", p.uid(), p.channel(), from);
        }
      }
      case Wire.LEAVE -> left(p.channel(), p.uid(), channel.remove(p.uid()) != null);
      case Wire.FRAME -> {
        channel.put(p.uid(), new Member(from, System.nanoTime()));
        for (Bot bot : bots.getOrDefault(p.channel(), List.of())) {
          if (bot.leg.uid().equals(p.uid())) {
            bot.received(samples);
          }
        }
      }
      default -> malformed.incrementAndGet();
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    members.forEach((channel, users) -> users.forEach((uid, m) -> {
      if (now - m.lastSeenNanos() > peerTimeoutNanos && users.remove(uid, m)) {
        left(channel, uid, true);
      }
    }));
  }

  private void left(String channel, String uid, boolean wasThere) {
    if (!wasThere) {
      return;
    }
    log.info("{} left channel {}", uid, channel);
    for (Bot bot : bots.getOrDefault(channel, List.of())) {
      if (bot.leg.uid().equals(uid)) {
        MDC.put("callId", bot.callId);
        bot.peerLeft.run();
        MDC.remove("callId");
      }
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a datagram socket loses nothing
    }
  }

  /** The gateway's user in a channel, bridged to one call. */
  private final class Bot implements RtcAudio {
    final String callId;
    final RtcLeg leg;
    final Runnable peerLeft;
    final String botUid;
    private final ArrayDeque<short[]> frames = new ArrayDeque<>();
    private final ByteBuffer out = ByteBuffer.allocate(Wire.MAX);
    /** The members of the bot's channel (the map stays once created), read on every tick. */
    private final Map<String, Member> channelMembers;
    private int sequence;

    Bot(String callId, RtcLeg leg, Runnable peerLeft) {
      this.callId = callId;
      this.leg = leg;
      this.peerLeft = peerLeft;
      this.botUid = "gw-" + callId;
      this.channelMembers = members.computeIfAbsent(leg.channel(), c -> new ConcurrentHashMap<>());
    }

    synchronized void received(short[] samples) {
      if (frames.size() >= QUEUED_FRAMES) {
        frames.pollFirst();
      }
      frames.addLast(samples.clone());
    }

    @Override
    public synchronized boolean poll(short[] dst) {
      short[] f = frames.pollFirst();
      if (f == null) {
        return false;
      }
      System.arraycopy(f, 0, dst, 0, Wire.SAMPLES);
      return true;
    }

    @Override
    public boolean listening() {
      return channelMembers.containsKey(leg.uid());
    }

    @Override
    public void publish(short[] frame) {
      Member peer = channelMembers.get(leg.uid());
      if (peer == null) {
        return;
      }
      try {
        socket.send(Wire.encode(out, Wire.FRAME, leg.channel(), botUid, sequence++, frame),
            peer.address());
      } catch (IOException e) {
        log.debug("frame to {} not sent: {}", leg.uid(), e.toString());
      }
    }

    @Override
    public void close() {
      List<Bot> list = bots.get(leg.channel());
      if (list != null) {
        list.remove(this);
      }
    }
  }
}
