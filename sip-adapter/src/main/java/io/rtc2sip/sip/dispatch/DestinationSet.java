package io.rtc2sip.sip.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A destination set at run time: its servers with their probe state, and the choice of a server
 * for a call among those that are up and that the call has not tried yet. Node-local: each node
 * probes and chooses on its own.
 */
public final class DestinationSet {
  private final DestinationSettings.SetSettings settings;
  private final List<Server> servers;
  private int nextInTurn;

  public DestinationSet(DestinationSettings.SetSettings settings) {
    this.settings = settings;
    List<Server> list = new ArrayList<>();
    for (DestinationSettings.ServerSettings s : settings.servers()) {
      list.add(new Server(s, list.size()));
    }
    this.servers = List.copyOf(list);
  }

  public String name() {
    return settings.name();
  }

  public DestinationSettings.SetSettings settings() {
    return settings;
  }

  /** The servers in configuration order. */
  public List<Server> servers() {
    return servers;
  }

  /**
   * The server for a call's next INVITE: up, not in {@code tried} (URIs), chosen by the set's
   * algorithm; empty when none is left. {@code key} is what the hash algorithms hash (the SIP
   * Call-ID or the caller's uid).
   */
  public synchronized Optional<Server> next(String key, Set<String> tried) {
    List<Server> candidates = new ArrayList<>();
    for (Server s : servers) {
      if (s.up() && !tried.contains(s.uri())) {
        candidates.add(s);
      }
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    Server chosen = switch (settings.algorithm()) {
      case WEIGHTED -> weighted(candidates);
      case ROUND_ROBIN -> inTurn(candidates);
      case HASH_CALL_ID, HASH_CALLER -> hashed(key, candidates);
      case PRIORITY -> {
        int best = candidates.stream().mapToInt(Server::priority).min().orElseThrow();
        yield weighted(candidates.stream().filter(s -> s.priority() == best).toList());
      }
    };
    chosen.invited();
    return Optional.of(chosen);
  }

  /**
   * The live servers in the order a registration tries them: lowest priority value first, then
   * highest weight, then configuration order.
   */
  public synchronized List<Server> liveInOrder() {
    return servers.stream().filter(Server::up)
        .sorted(Comparator.comparingInt(Server::priority)
            .thenComparing(Comparator.comparingInt(Server::weight).reversed())
            .thenComparingInt(Server::index))
        .toList();
  }

  /** Whether a server is up that is not in {@code tried}; nothing is chosen or counted. */
  public synchronized boolean anyLeft(Set<String> tried) {
    return servers.stream().anyMatch(s -> s.up() && !tried.contains(s.uri()));
  }

  /** Whether any server is up. */
  public synchronized boolean anyUp() {
    return servers.stream().anyMatch(Server::up);
  }

  /**
   * Smooth weighted round robin (as nginx's): each candidate's running weight grows by its
   * weight, the highest is chosen and drops by the candidates' total. Servers of weight 0 are
   * chosen only when no weighted candidate is left, in configuration order.
   */
  private static Server weighted(List<Server> candidates) {
    long total = 0;
    Server best = null;
    for (Server s : candidates) {
      if (s.weight() == 0) {
        continue;
      }
      s.current += s.weight();
      total += s.weight();
      if (best == null || s.current > best.current) {
        best = s;
      }
    }
    if (best == null) {
      return candidates.get(0);
    }
    best.current -= total;
    return best;
  }

  private Server inTurn(List<Server> candidates) {
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get((nextInTurn + i) % servers.size());
      if (candidates.contains(s)) {
        nextInTurn = (s.index() + 1) % servers.size();
        return s;
      }
    }
    throw new IllegalStateException("no candidate among the servers");
  }

  /**
   * The server the key hashes to over the whole set (so that a server going down moves only its
   * own keys), or the next candidate after it in configuration order.
   */
  private Server hashed(String key, List<Server> candidates) {
    int start = Math.floorMod(hash(key), servers.size());
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get((start + i) % servers.size());
      if (candidates.contains(s)) {
        return s;
      }
    }
    throw new IllegalStateException("no candidate among the servers");
  }

  /** CRC-32 of the key's UTF-8 bytes: the same on every node and every run. */
  static int hash(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }

  /** A probe of {@code server} ended; the log line's text when its state changed, else null. */
  public synchronized String probed(Server server, boolean alive, String outcome,
      java.time.Instant at, long micros) {
    return server.probed(alive, outcome, at, micros, settings.probe());
  }

  /** Every server's state now. */
  public synchronized List<Server.State> states() {
    return servers.stream().map(Server::state).toList();
  }
}
