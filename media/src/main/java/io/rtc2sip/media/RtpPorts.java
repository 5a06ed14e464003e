package io.rtc2sip.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Hands out RTP/RTCP socket pairs from the configured range: an even port for RTP and the next
 * one for RTCP, both bound before the pair is handed out (a port another process holds is
 * skipped). The port is chosen at random among the free ones, so that nobody can tell a call's
 * port from the one before it, and a just-freed port is rarely reused at once (late packets of
 * the previous call would land in the new one). A range may also hand out single sockets
 * ({@link #allocateOne}: RTP and RTCP multiplexed on one port, as WebRTC does).
 *
 * <p>The range keeps every socket it handed out until it is closed: a port in use is never tried
 * again, and {@link #inUse()} says how many are held. Closing the socket (whoever closes it)
 * frees the port.
 */
public final class RtpPorts {
  /** Random picks before walking the range from a random place (when most of it is taken). */
  private static final int RANDOM_TRIES = 16;

  /** A bound RTP/RTCP pair. */
  public record Pair(DatagramChannel rtp, DatagramChannel rtcp, InetSocketAddress rtpAddress) {
    public void close() {
      closeQuietly(rtp);
      closeQuietly(rtcp);
    }
  }

  private final String host;
  private final int min;
  private final int max;
  private final Random random;
  /** Ports handed out, with their socket: a port whose socket is closed is free again. */
  private final Map<Integer, DatagramChannel> held = new HashMap<>();

  public RtpPorts(String host, int min, int max) {
    this(host, min, max, new SecureRandom());
  }

  RtpPorts(String host, int min, int max, Random random) {
    this.host = host;
    this.min = min % 2 == 0 ? min : min + 1;
    this.max = max;
    this.random = random;
  }

  /** A bound pair on a random free even port, or empty when every pair of the range is taken. */
  public synchronized Optional<Pair> allocate() {
    int pairs = (max - min + 1) / 2;
    if (pairs <= 0) {
      return Optional.empty();
    }
    for (int i = 0; i < RANDOM_TRIES; i++) {
      Optional<Pair> pair = tryPair(min + 2 * random.nextInt(pairs));
      if (pair.isPresent()) {
        return pair;
      }
    }
    int start = random.nextInt(pairs);
    for (int i = 0; i < pairs; i++) {
      Optional<Pair> pair = tryPair(min + 2 * ((start + i) % pairs));
      if (pair.isPresent()) {
        return pair;
      }
    }
    return Optional.empty();
  }

  /**
   * One bound, non-blocking socket on a random free port of the range, or empty when every port
   * is taken.
   */
  public synchronized Optional<DatagramChannel> allocateOne() {
    int ports = max - min + 1;
    for (int i = 0; i < RANDOM_TRIES; i++) {
      Optional<DatagramChannel> one = tryOne(min + random.nextInt(ports));
      if (one.isPresent()) {
        return one;
      }
    }
    int start = random.nextInt(ports);
    for (int i = 0; i < ports; i++) {
      Optional<DatagramChannel> one = tryOne(min + (start + i) % ports);
      if (one.isPresent()) {
        return one;
      }
    }
    return Optional.empty();
  }

  /** Ports of the range held by sockets handed out and not closed yet (RTP and RTCP each). */
  public synchronized int inUse() {
    held.values().removeIf(c -> !c.isOpen());
    return held.size();
  }

  private boolean taken(int port) {
    DatagramChannel c = held.get(port);
    if (c != null && !c.isOpen()) {
      held.remove(port);
      return false;
    }
    return c != null;
  }

  private Optional<DatagramChannel> tryOne(int port) {
    if (taken(port)) {
      return Optional.empty();
    }
    DatagramChannel channel = null;
    try {
      channel = DatagramChannel.open();
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
      channel.bind(new InetSocketAddress(host, port));
      channel.configureBlocking(false);
      held.put(port, channel);
      return Optional.of(channel);
    } catch (IOException busy) {
      closeQuietly(channel);
      return Optional.empty();
    }
  }

  private Optional<Pair> tryPair(int port) {
    if (taken(port) || taken(port + 1)) {
      return Optional.empty();
    }
    DatagramChannel rtp = null;
    try {
      rtp = DatagramChannel.open();
      rtp.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
      rtp.bind(new InetSocketAddress(host, port));
      DatagramChannel rtcp = DatagramChannel.open();
      try {
        rtcp.bind(new InetSocketAddress(host, port + 1));
      } catch (IOException e) {
        closeQuietly(rtcp);
        throw e;
      }
      rtp.configureBlocking(false);
      rtcp.configureBlocking(false);
      held.put(port, rtp);
      held.put(port + 1, rtcp);
      return Optional.of(new Pair(rtp, rtcp, new InetSocketAddress(host, port)));
    } catch (IOException busy) {
      closeQuietly(rtp);
      return Optional.empty();
    }
  }

  /** Closes a socket of the range; closing a datagram socket cannot lose data. */
  public static void closeQuietly(DatagramChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing a datagram socket cannot lose data
      }
    }
  }
}
