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
 * (late packets of the previous call would land in the new one).
 */
final class RtpPorts {

  /** A bound RTP/RTCP pair. */
  record Pair(DatagramChannel rtp, DatagramChannel rtcp, InetSocketAddress rtpAddress) {
    void close() {
      closeQuietly(rtp);
      closeQuietly(rtcp);
    }
  }

  private final String host;
  private final int min;
  private final int max;
  private int next;

  RtpPorts(String host, int min, int max) {
    this.host = host;
    this.min = min % 2 == 0 ? min : min + 1;
    this.max = max;
    this.next = this.min;
  }

  /** A bound pair, or empty when every pair of the range is taken. */
  synchronized Optional<Pair> allocate() {
    int pairs = (max - min + 1) / 2;
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

  private static void closeQuietly(DatagramChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing a datagram socket cannot lose data
      }
    }
  }
}
