package io.rtc2sip.tests.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.AudioGaps;
import io.rtc2sip.tests.support.CliUser;
import io.rtc2sip.tests.support.LoopbackCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Calls through a {@link GatewayCluster}, each a client CLI user calling its own sipp far end
 * through the front, with a tone both ways and a capture of the loopback interface; the first
 * call is a conference (its user adds a second sipp party with {@code conference}). A node is
 * then killed or stopped, and the audio gap of every call it ran is read off the capture (of a
 * conference: the longer of its two SIP parties').
 */
final class FailoverRun implements AutoCloseable {
  /** How long after the failure the audio is watched for the gap. */
  static final Duration WATCH = Duration.ofSeconds(8);

  /** A call: its far end, and for the conference the party added to it (else null). */
  record Call(String id, CliUser user, Sipp farEnd, Sipp party) {
    List<Sipp> sipParties() {
      return party == null ? List.of(farEnd) : List.of(farEnd, party);
    }
  }

  /** The calls a failure moved, and the gap of each (ms) in each direction. */
  record Outcome(List<Call> moved, List<Long> toClient, List<Long> toSip) {
    void assertAllWithin(Duration bound) {
      assertTrue(!moved.isEmpty(), "the node ran no call");
      for (int i = 0; i < moved.size(); i++) {
        String id = moved.get(i).id();
        assertTrue(toClient.get(i) <= bound.toMillis(),
            id + ": the client heard nothing for " + toClient.get(i) + " ms (bound "
                + bound.toMillis() + "); the client's last lines:\n" + moved.get(i).user().tail(15));
        assertTrue(toSip.get(i) <= bound.toMillis(),
            id + ": the SIP far end got no sound for " + toSip.get(i) + " ms (bound " + bound.toMillis() + ")");
      }
    }
  }

  private final GatewayCluster cluster;
  private final List<Call> calls;
  private final LoopbackCapture capture;
  private final Path dir;

  private FailoverRun(GatewayCluster cluster, List<Call> calls, LoopbackCapture capture, Path dir) {
    this.cluster = cluster;
    this.calls = calls;
    this.capture = capture;
    this.dir = dir;
  }

  /** Places {@code count} calls, spread over the nodes' signaling, and waits for their audio. */
  static FailoverRun place(GatewayCluster cluster, int count, Path tone, Path dir)
      throws Exception {
    List<Sipp> farEnds = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    LoopbackCapture capture = null;
    try {
      for (int i = 0; i < count + 1; i++) { // the last one: the conference's added party
        farEnds.add(Sipp.uas("uas_answer", 0, "-timeout", "900"));
      }
      StringBuilder filter = new StringBuilder();
      for (GatewayCluster.Node n : cluster.nodes) {
        filter.append(filter.length() == 0 ? "" : " or ").append("src port ").append(n.rtcPort());
      }
      for (Sipp s : farEnds) {
        filter.append(" or dst port ").append(s.mediaPort);
      }
      capture = LoopbackCapture.start(dir.resolve("failover.pcap"), filter.toString());
      for (int i = 0; i < count; i++) {
        Sipp farEnd = farEnds.get(i);
        CliUser user = CliUser.start("caller-" + i, "--server", cluster.signalingList(i),
            "--play", tone.toString());
        user.command("call sip:uas@127.0.0.1:" + farEnd.port);
        String answered = user.await(l -> l.contains("\"type\":\"answered\""), Duration.ofSeconds(60));
        String id = CallsSurviveNodeFailureTest.callId(answered);
        Sipp party = null;
        if (i == 0) {
          party = farEnds.get(count);
          user.command("conference sip:uas@127.0.0.1:" + party.port + " " + id);
          user.await(l -> l.contains("\"type\":\"party-joined\""), Duration.ofSeconds(30));
        }
        calls.add(new Call(id, user, farEnd, party));
      }
      FailoverRun run = new FailoverRun(cluster, calls, capture, dir);
      run.awaitSoundEverywhere(Duration.ofSeconds(20));
      return run;
    } catch (Exception | Error e) {
      for (Call c : calls) {
        c.user().close();
      }
      farEnds.forEach(s -> {
        try {
          s.close();
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      });
      if (capture != null) {
        capture.close();
      }
      throw e;
    }
  }

  /** The live node that runs the most calls now. */
  GatewayCluster.Node busiest() {
    return cluster.live().stream()
        .max(Comparator.comparingLong(n -> calls.stream().filter(c -> runsOn(c, n)).count()))
        .orElseThrow();
  }

  /** The conference among the calls (the first). */
  Call conference() {
    return calls.get(0);
  }

  /** The live node running {@code call} now. */
  GatewayCluster.Node nodeOf(Call call) {
    return cluster.live().stream().filter(n -> runsOn(call, n)).findFirst().orElseThrow();
  }

  /** Whether the call's entity runs on {@code node}: the last node whose log names it. */
  private boolean runsOn(Call call, GatewayCluster.Node node) {
    String last = null;
    long lastAt = -1;
    for (GatewayCluster.Node n : cluster.live()) {
      List<String> lines = n.process().linesMatching(l -> l.contains("[" + call.id() + "]"));
      if (!lines.isEmpty()) {
        long at = timeOf(lines.get(lines.size() - 1));
        if (at > lastAt) {
          lastAt = at;
          last = n.name();
        }
      }
    }
    return node.name().equals(last);
  }

  /** The time of day of a log line (HH:mm:ss.SSS at its start), ms. */
  private static long timeOf(String line) {
    try {
      String[] t = line.substring(0, 12).split("[:.]");
      return ((Long.parseLong(t[0]) * 60 + Long.parseLong(t[1])) * 60 + Long.parseLong(t[2]))
          * 1000 + Long.parseLong(t[3]);
    } catch (RuntimeException notALogLine) {
      return -1;
    }
  }

  Outcome kill(GatewayCluster.Node node) throws Exception {
    List<Call> moved = calls.stream().filter(c -> runsOn(c, node)).toList();
    long at = nowMicros();
    node.process().kill();
    return measure(moved, at);
  }

  Outcome terminate(GatewayCluster.Node node) throws Exception {
    List<Call> moved = calls.stream().filter(c -> runsOn(c, node)).toList();
    long at = nowMicros();
    Thread stopping = new Thread(() -> {
      try {
        node.process().terminate(Duration.ofSeconds(90));
      } catch (Exception | AssertionError e) {
        System.err.println(node.name() + " did not stop cleanly: " + e);
      }
    }, "terminate-" + node.name());
    stopping.start();
    Outcome outcome = measure(moved, at);
    stopping.join(100_000);
    assertTrue(!node.process().isAlive(), node.name() + " did not stop after SIGTERM");
    return outcome;
  }

  private Outcome measure(List<Call> moved, long from) throws Exception {
    long to = from + WATCH.toNanos() / 1000;
    // The watch is a window of wall-clock time, not a wait for an event; reading the capture
    // while it lasts would take the CPU the nodes fail over with.
    long left;
    while ((left = to - nowMicros()) > 0) {
      Thread.sleep(Math.max(1, left / 1000));
    }
    capture.await("audio " + WATCH.toSeconds() + " s after the failure", Duration.ofSeconds(10),
        d -> !d.isEmpty() && d.get(d.size() - 1).micros() > to);
    List<LoopbackCapture.Datagram> all = capture.sofar();
    var toClient = AudioGaps.soundFromGateway(all);
    List<Long> client = new ArrayList<>();
    List<Long> sip = new ArrayList<>();
    for (Call c : moved) {
      client.add(AudioGaps.longestGapMicros(toClient.getOrDefault(c.id(), List.of()), from, to) / 1000);
      long worst = 0;
      for (Sipp party : c.sipParties()) {
        worst = Math.max(worst,
            AudioGaps.longestGapMicros(AudioGaps.soundTo(all, party.mediaPort), from, to) / 1000);
      }
      sip.add(worst);
    }
    return new Outcome(moved, client, sip);
  }

  /** Every call has sound both ways in the last second of the capture. */
  private void awaitSoundEverywhere(Duration timeout) throws Exception {
    capture.await("sound both ways in every call", timeout, d -> {
      if (d.isEmpty()) {
        return false;
      }
      long end = d.get(d.size() - 1).micros();
      var toClient = AudioGaps.soundFromGateway(d);
      for (Call c : calls) {
        List<Long> heard = toClient.getOrDefault(c.id(), List.of());
        if (heard.isEmpty() || end - heard.get(heard.size() - 1) > 200_000) {
          return false;
        }
        for (Sipp party : c.sipParties()) {
          List<Long> sent = AudioGaps.soundTo(d, party.mediaPort);
          if (sent.isEmpty() || end - sent.get(sent.size() - 1) > 200_000) {
            return false;
          }
        }
      }
      return true;
    });
  }

  /** No call ended: no client was told so, and every far end is still in its call. */
  void assertAllCallsUp() throws Exception {
    for (Call c : calls) {
      assertTrue(c.user().linesMatching(l -> l.contains("\"type\":\"ended\"")).isEmpty(),
          c.id() + " ended: " + c.user().tail(10));
      for (Sipp party : c.sipParties()) {
        assertTrue(!party.finishesWithin(0), c.id() + ": a SIP party left: " + party.where());
      }
    }
  }

  /** The replay of a moved call, from a live node, names the dead node and a survivor. */
  void assertReplayShowsBothNodes(Call call, GatewayCluster.Node dead) throws Exception {
    GatewayCluster.Node survivor = cluster.live().get(0);
    String replay = cluster.get(survivor, "/api/calls/" + call.id() + "/replay");
    assertTrue(replay.contains(dead.address()), "replay names the node that died: " + replay);
    assertTrue(cluster.live().stream().anyMatch(n -> replay.contains(n.address())),
        "replay names the node the call moved to: " + replay);
  }

  /**
   * New calls while a node is dead, both ways through the front: a client on a live node calls a
   * new sipp far end, and a sipp caller calls a user on a live node; both are answered and end
   * cleanly.
   */
  void newCallsThroughTheFront(GatewayCluster.Node dead, boolean inbound) throws Exception {
    GatewayCluster.Node live = cluster.live().get(0);
    String uid = "new-" + dead.name();
    try (CliUser user = CliUser.start(uid, "--server", live.signaling());
        Sipp farEnd = Sipp.uas("uas_answer", 0)) {
      user.command("call sip:uas@127.0.0.1:" + farEnd.port);
      String answered = user.await(l -> l.contains("\"type\":\"answered\""), Duration.ofSeconds(30));
      user.command("hangup " + CallsSurviveNodeFailureTest.callId(answered));
      user.await(l -> l.contains("\"type\":\"ended\""), Duration.ofSeconds(30));
      farEnd.assertByeAnswered();
      if (inbound) {
        user.command("auto-answer 60");
        try (Sipp caller = Sipp.uac("uac_call_pcap", cluster.front.port, uid, 1000)) {
          user.await(l -> l.contains("\"type\":\"incoming-call\""), Duration.ofSeconds(30));
          assertEquals(0, caller.await(60), caller.where());
        }
      }
    }
  }

  /**
   * The journal database away for {@code outage} with the calls up: the node notices; a new call
   * through the front gets 503 with Retry-After (after the front's own 100 Trying; the nodes send
   * none, JournalOutageTest), a client's new call the error
   * journal-unavailable, both at once; the calls keep their audio; after the database is back the
   * node takes new calls again by itself. Returns the longest audio gap of a call (ms) during the
   * outage.
   */
  long journalOutage(Duration outage) throws Exception {
    GatewayCluster.Node live = cluster.live().get(0);
    long down = nowMicros();
    cluster.stopDatabase();
    cluster.awaitMetric(live, "rtc2sip_journal_available", 0, Duration.ofSeconds(15));
    long inviteAt = System.nanoTime();
    try (Sipp refused = Sipp.uac("uac_call_pcap", cluster.front.port, "caller-0", 1000)) {
      refused.await(30);
      String m = refused.messages();
      assertTrue(m.contains("SIP/2.0 503") && m.contains("Retry-After:"), refused.where());
      assertTrue(System.nanoTime() - inviteAt < Duration.ofSeconds(5).toNanos(),
          "503 within 5 s: " + refused.where());
    }
    CliUser user = calls.get(0).user();
    int before = user.linesMatching(l -> l.contains("journal-unavailable")).size();
    user.command("call sip:uas@127.0.0.1:" + calls.get(0).farEnd().port);
    user.await(l -> l.contains("journal-unavailable")
        && user.linesMatching(x -> x.contains("journal-unavailable")).size() > before,
        Duration.ofSeconds(5));
    long up = down + outage.toNanos() / 1000;
    long left;
    while ((left = up - nowMicros()) > 0) {
      Thread.sleep(Math.max(1, left / 1000)); // the outage lasts its time
    }
    cluster.startDatabase();
    cluster.awaitMetric(live, "rtc2sip_journal_available", 1, Duration.ofSeconds(30));
    assertEquals(0, cluster.metric(live, "rtc2sip_sip_pending_invites"), "no INVITE left pending");
    List<LoopbackCapture.Datagram> all = capture.sofar();
    var toClient = AudioGaps.soundFromGateway(all);
    long worst = 0;
    for (Call c : calls) {
      worst = Math.max(worst, AudioGaps.longestGapMicros(toClient.getOrDefault(c.id(), List.of()), down, up) / 1000);
      for (Sipp party : c.sipParties()) {
        worst = Math.max(worst, AudioGaps.longestGapMicros(AudioGaps.soundTo(all, party.mediaPort), down, up) / 1000);
      }
    }
    try (Sipp farEnd = Sipp.uas("uas_answer", 0)) {
      user.command("call sip:uas@127.0.0.1:" + farEnd.port);
      String answered = user.await(l -> l.contains("\"type\":\"answered\"")
          && !calls.stream().anyMatch(c -> l.contains(c.id())), Duration.ofSeconds(30));
      String id = CallsSurviveNodeFailureTest.callId(answered);
      user.command("hangup " + id);
      user.await(l -> l.contains("\"type\":\"ended\"") && l.contains(id), Duration.ofSeconds(30));
      farEnd.assertByeAnswered();
    }
    return worst;
  }

  /** Every client hangs up; every far end gets its BYE and answers it. */
  void hangUpAll() throws Exception {
    for (Call c : calls) {
      c.user().command("hangup " + c.id());
    }
    for (Call c : calls) {
      c.user().await(l -> l.contains("\"type\":\"ended\"") && l.contains(c.id()),
          Duration.ofSeconds(30));
      for (Sipp party : c.sipParties()) {
        party.assertByeAnswered();
      }
      String replay = cluster.get(cluster.live().get(0), "/api/calls/" + c.id() + "/replay");
      assertTrue(replay.contains("CallEnded"), c.id() + " ended in the journal: " + replay);
    }
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  @Override
  public void close() throws Exception {
    for (Call c : calls) {
      c.user().close();
      for (Sipp party : c.sipParties()) {
        party.close();
      }
    }
    capture.close();
  }
}
