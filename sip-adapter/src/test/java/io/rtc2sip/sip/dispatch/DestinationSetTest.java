package io.rtc2sip.sip.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a destination set picks a call's server, per algorithm, over live and untried servers. */
class DestinationSetTest {
  private static final String A = "sip:127.0.0.1:5101";
  private static final String B = "sip:127.0.0.1:5102";
  private static final String C = "sip:127.0.0.1:5103";
  private static final DestinationSettings.ProbeSettings PROBE =
      new DestinationSettings.ProbeSettings(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 2,
          List.of());

  private static DestinationSet set(Algorithm algorithm, DestinationSettings.ServerSettings... s) {
    return new DestinationSet(new DestinationSettings.SetSettings("t", List.of(s), algorithm,
        new BitSet(), Duration.ZERO, PROBE));
  }

  private static DestinationSettings.ServerSettings server(String uri, int weight, int priority) {
    return new DestinationSettings.ServerSettings(uri, weight, priority);
  }

  private static Map<String, Integer> draws(DestinationSet set, int n, Set<String> tried) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(set.next("call-" + i, tried).orElseThrow().uri(), 1, Integer::sum);
    }
    return counts;
  }

  private static void down(DestinationSet set, String uri) {
    Server s = set.servers().stream().filter(x -> x.uri().equals(uri)).findFirst().orElseThrow();
    assertNull(set.probed(s, false, "timeout", Instant.EPOCH, -1));
    assertEquals("down after 2 failed probes (last: timeout)",
        set.probed(s, false, "timeout", Instant.EPOCH, -1));
  }

  @Test
  void weightedSharesFollowTheWeightsInEveryRun() {
    DestinationSet set = set(Algorithm.WEIGHTED, server(A, 2, 0), server(B, 1, 0),
        server(C, 1, 0));
    assertEquals(Map.of(A, 200, B, 100, C, 100), draws(set, 400, Set.of()));
    // smooth: every run of 4 (the total weight) has A twice, B and C once, never A three times
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      order.add(set.next("k", Set.of()).orElseThrow().uri());
    }
    for (int start = 0; start < 8; start += 4) {
      List<String> run = order.subList(start, start + 4);
      assertEquals(2, run.stream().filter(A::equals).count(), order.toString());
      assertEquals(1, run.stream().filter(B::equals).count(), order.toString());
    }
    assertEquals(List.of(A, B, C, A), order.subList(0, 4), "A spread, not in a block");
  }

  @Test
  void weightedOddWeightsStayWithinOneCallOfTheirShare() {
    DestinationSet set = set(Algorithm.WEIGHTED, server(A, 5, 0), server(B, 3, 0),
        server(C, 7, 0));
    Map<String, Integer> counts = draws(set, 1000, Set.of());
    assertTrue(Math.abs(counts.get(A) - 1000 * 5 / 15.0) <= 1, counts.toString());
    assertTrue(Math.abs(counts.get(B) - 1000 * 3 / 15.0) <= 1, counts.toString());
    assertTrue(Math.abs(counts.get(C) - 1000 * 7 / 15.0) <= 1, counts.toString());
  }

  @Test
  void aServerDownTakesNoCallsAndItsShareGoesToTheOthersByWeight() {
    DestinationSet set = set(Algorithm.WEIGHTED, server(A, 2, 0), server(B, 1, 0),
        server(C, 1, 0));
    down(set, A);
    assertEquals(Map.of(B, 50, C, 50), draws(set, 100, Set.of()));
    Server a = set.servers().get(0);
    assertNull(set.probed(a, true, "200 in 1 ms", Instant.EPOCH, 1000));
    assertEquals("up after 2 answered probes (last: 200 in 1 ms)",
        set.probed(a, true, "200 in 1 ms", Instant.EPOCH, 1000));
    assertEquals(Map.of(A, 200, B, 100, C, 100), draws(set, 400, Set.of()));
  }

  @Test
  void aServerTheCallTriedIsNotChosenAgainAndNothingIsLeftAfterAll() {
    for (Algorithm algorithm : Algorithm.values()) {
      DestinationSet set = set(algorithm, server(A, 2, 0), server(B, 1, 1), server(C, 1, 2));
      Set<String> tried = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        String chosen = set.next("call-x", tried).orElseThrow().uri();
        assertFalse(tried.contains(chosen), algorithm + ": " + chosen + " again");
        tried.add(chosen);
      }
      assertEquals(Set.of(A, B, C), tried, algorithm.toString());
      assertFalse(set.anyLeft(tried), algorithm.toString());
      assertTrue(set.next("call-x", tried).isEmpty(), algorithm.toString());
    }
  }

  @Test
  void noServerUpNoChoice() {
    DestinationSet set = set(Algorithm.ROUND_ROBIN, server(A, 1, 0), server(B, 1, 0));
    down(set, A);
    down(set, B);
    assertFalse(set.anyUp());
    assertTrue(set.next("k", Set.of()).isEmpty());
  }

  @Test
  void roundRobinTakesEachInTurnWhateverTheWeights() {
    DestinationSet set = set(Algorithm.ROUND_ROBIN, server(A, 9, 0), server(B, 1, 0),
        server(C, 1, 0));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      order.add(set.next("k", Set.of()).orElseThrow().uri());
    }
    assertEquals(List.of(A, B, C, A, B, C), order);
    down(set, B);
    assertEquals(A, set.next("k", Set.of()).orElseThrow().uri());
    assertEquals(C, set.next("k", Set.of()).orElseThrow().uri());
  }

  @Test
  void aHashKeepsAKeyOnItsServerAndMovesOnlyTheKeysOfAServerThatGoesDown() {
    DestinationSet set = set(Algorithm.HASH_CALL_ID, server(A, 1, 0), server(B, 1, 0),
        server(C, 1, 0));
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      String key = "call-" + i + "@host";
      String first = set.next(key, Set.of()).orElseThrow().uri();
      assertEquals(first, set.next(key, Set.of()).orElseThrow().uri(), "stable for " + key);
      before.put(key, first);
    }
    Map<String, Long> spread = new HashMap<>();
    before.values().forEach(s -> spread.merge(s, 1L, Long::sum));
    assertEquals(3, spread.size(), "keys spread over all servers: " + spread);
    spread.values().forEach(n -> assertTrue(n > 60, "no server starved: " + spread));
    down(set, B);
    for (Map.Entry<String, String> e : before.entrySet()) {
      String now = set.next(e.getKey(), Set.of()).orElseThrow().uri();
      if (e.getValue().equals(B)) {
        assertNotEquals(B, now);
      } else {
        assertEquals(e.getValue(), now, "a key of a live server stays: " + e.getKey());
      }
    }
    // the hash is CRC-32 of the key: the same on every node and in every run
    assertEquals(0xCBF43926, DestinationSet.hash("123456789"));
  }

  @Test
  void priorityTakesTheLowestValueFirstAndSharesWithinItByWeight() {
    DestinationSet set = set(Algorithm.PRIORITY, server(C, 1, 2), server(A, 3, 0),
        server(B, 1, 0));
    assertEquals(Map.of(A, 75, B, 25), draws(set, 100, Set.of()));
    assertEquals(C, set.next("k", Set.of(A, B)).orElseThrow().uri(), "next priority once tried");
    down(set, A);
    down(set, B);
    assertEquals(Map.of(C, 10), draws(set, 10, Set.of()));
    assertEquals(List.of(C), set.liveInOrder().stream().map(Server::uri).toList());
  }

  @Test
  void liveInOrderIsPriorityThenWeightThenConfigurationOrder() {
    DestinationSet set = set(Algorithm.WEIGHTED, server(C, 1, 1), server(A, 1, 0),
        server(B, 5, 0));
    assertEquals(List.of(B, A, C), set.liveInOrder().stream().map(Server::uri).toList());
  }

  @Test
  void weightZeroIsABackupTakenOnlyWhenNoWeightedServerIsLeft() {
    DestinationSet set = set(Algorithm.WEIGHTED, server(A, 0, 0), server(B, 1, 0),
        server(C, 1, 0));
    assertEquals(Map.of(B, 50, C, 50), draws(set, 100, Set.of()));
    assertEquals(A, set.next("k", Set.of(B, C)).orElseThrow().uri());
  }

  @Test
  void everyChoiceIsCountedForItsServer() {
    DestinationSet set = set(Algorithm.ROUND_ROBIN, server(A, 1, 0), server(B, 1, 0));
    draws(set, 5, Set.of());
    assertEquals(List.of(3L, 2L), set.states().stream().map(Server.State::invites).toList());
  }
}
