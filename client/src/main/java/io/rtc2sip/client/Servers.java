package io.rtc2sip.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The signaling servers a client knows ({@code --server h1:p1,h2:p2}), tried in turn: after a
 * lost connection the next one, with a delay that doubles from {@link #FIRST_DELAY} up to
 * {@link #MAX_DELAY} while none answers.
 */
final class Servers {
  static final Duration FIRST_DELAY = Duration.ofMillis(250);
  static final Duration MAX_DELAY = Duration.ofSeconds(4);

  private final List<InetSocketAddress> addresses;
  private int current;
  private Duration delay = Duration.ZERO;

  Servers(List<InetSocketAddress> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no signaling server given");
    }
    this.addresses = List.copyOf(addresses);
  }

  /** Parses {@code host:port[,host:port...]}; a bad entry is an IllegalArgumentException. */
  static Servers parse(String list) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.trim();
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException("a signaling server is host:port, not '" + e + "'");
      }
      int port;
      try {
        port = Integer.parseInt(e.substring(colon + 1));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("bad port in '" + e + "'");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of 1-65535 in '" + e + "'");
      }
      out.add(InetSocketAddress.createUnresolved(e.substring(0, colon), port));
    }
    return new Servers(out);
  }

  /** The server to try now. */
  synchronized InetSocketAddress current() {
    return addresses.get(current);
  }

  /** The server connected to answered: the next failure starts again without a delay. */
  synchronized void connected() {
    delay = Duration.ZERO;
  }

  /**
   * The current server failed (or its connection was lost): moves on to the next and returns
   * how long to wait before trying it. A full round of failures doubles the wait.
   */
  synchronized Duration failed() {
    current = (current + 1) % addresses.size();
    if (current == 0 || addresses.size() == 1) {
      delay = delay.isZero() ? FIRST_DELAY
          : delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
    }
    return delay;
  }

  int size() {
    return addresses.size();
  }
}
