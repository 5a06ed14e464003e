package io.rtc2sip.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Optional;

/**
 * Hands out RTP/RTCP socket pairs from the configured range: an even port for RTP and the next
 * one for RTCP, both bound before the pair is handed out (a port another process holds is
 * skipped). Allocation walks the range round-robin so a just-freed port is not reused at once
 * (late packets of the previous call would land in the new one). A range may also hand out
 * single sockets ({@link #allocateOne}: RTP and RTCP multiplexed on one port, as WebRTC does).
 */
public final class RtpPorts {

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
  private int next;

  public RtpPorts(String host, int min, int max) {
    this.host = host;
    this.min = min % 2 == 0 ? min : min + 1;
    this.max = max;
    this.next = this.min;
  }

  /** A bound pair, or empty when every pair of the range is taken. */
  public synchronized Optional<Pair> allocate() {
    int pairs = (max - min + 1) / 2;
    if (next % 2 != 0) {
      next = next + 1 > max - 1 ? min : next + 1;
    }
    for (int i = 0; i < pairs; i++) {
      int port = next;
      next = next + 2 > max - 1 ? min : next + 2;
      Optional<Pair> pair = tryBind(port);
      if (pair.isPresent()) {
        return pair;
      }
    }
    return Optional.empty();
  }

  /**
   * One bound, non-blocking socket from the range (any port, walked round-robin like pairs), or
   * empty when every port is taken.
   */
  public synchronized Optional<DatagramChannel> allocateOne() {
    int ports = max - min + 1;
    for (int i = 0; i < ports; i++) {
      int port = next;
      next = next + 1 > max ? min : next + 1;
      DatagramChannel channel = null;
      try {
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
        channel.bind(new InetSocketAddress(host, port));
        channel.configureBlocking(false);
        return Optional.of(channel);
      } catch (IOException busy) {
        closeQuietly(channel);
      }
    }
    return Optional.empty();
  }

  private Optional<Pair> tryBind(int port) {
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
