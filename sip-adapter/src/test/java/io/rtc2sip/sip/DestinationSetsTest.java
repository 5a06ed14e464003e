package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.testkit.Until;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Destination sets against real servers on loopback: sipp UASes (answering, answering 503,
 * killed and started again) and Kamailio. The call entities are played by the test: each answered
 * call is hung up at once, each failure recorded.
 */
class DestinationSetsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Calls in flight at once: a bounded load that a two-core machine sustains. */
  private static final int IN_FLIGHT = 20;

  private final TestMediaEndpoints media = new TestMediaEndpoints();
  private final Map<String, SipDialog> dialogs = new ConcurrentHashMap<>();
  private final Map<String, CallCommand.SipAnswered> answered = new ConcurrentHashMap<>();
  private final Map<String, CallCommand.SipFailed> failed = new ConcurrentHashMap<>();
  private final List<AutoCloseable> running = new ArrayList<>();
  /** Whether an answered call is hung up at once (off: the test goes on in the call). */
  private volatile boolean hangUp = true;
  private ActorTestKit kit;
  private SipAdapter adapter;
  private int port;

  /** The call entities: hang up every answered call at once, note every failure. */
  private final EntityMessenger<CallCommand> calls = (callId, fact) -> {
    if (fact instanceof CallCommand.SipAnswered a && !hangUp) {
      answered.merge(callId, a, (first, second) -> first);
    } else if (fact instanceof CallCommand.SipAnswered a) {
      SipDialog bye = dialogs.get(callId).established(a.remoteTag(), a.remoteTarget(),
          a.routeSet()).withLocalCseqAtLeast(a.inviteCseq()).nextLocalCseq();
      adapter.port().tell(new SipLegCommand.Bye(callId, bye, EndCause.LOCAL_HANGUP));
      answered.put(callId, a);
    } else if (fact instanceof CallCommand.SipFailed f) {
      failed.put(callId, f);
    }
  };

  private void start(String destinations) throws Exception {
    port = Sipp.freeUdpPort();
    start(destinations, SipSettings.of("127.0.0.1", port, "", "", ""));
  }

  private void start(String destinations, SipSettings settings) throws Exception {
    kit = ActorTestKit.create("destinations", ConfigFactory.parseString(
        "rtc2sip.sip.destinations {" + destinations + "}").withFallback(ConfigFactory.load()));
    adapter = SipAdapter.start(kit.system(), settings,
        calls, media, callId -> CompletableFuture.completedFuture(
            new CallQuery.Answer("Active", dialogs.get(callId))));
  }

  @AfterEach
  void stop() throws Exception {
    if (adapter != null) {
      adapter.close();
    }
    for (AutoCloseable r : running) {
      r.close();
    }
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private Sipp server(String name, String scenario, Sipp.Ports ports) throws Exception {
    Sipp s = Sipp.server(name, scenario, ports);
    running.add(s);
    return s;
  }

  private static String uri(Sipp.Ports ports) {
    return "sip:127.0.0.1:" + ports.sip();
  }

  /** Bob calls {@code target}; the call's id. */
  private String call(String target) {
    String callId = CallIds.newOutbound();
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", target);
    dialogs.put(callId, dialog);
    adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
        Party.sip(target)));
    return callId;
  }

  private boolean over(String callId) {
    return answered.containsKey(callId) || failed.containsKey(callId);
  }

  /** {@code n} calls, at most {@link #IN_FLIGHT} at once; waits until each is over. */
  private List<String> calls(int n, String target) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Until.until(WAIT, () -> ids.stream().filter(id -> !over(id)).count() < IN_FLIGHT,
          () -> "calls in flight below " + IN_FLIGHT);
      ids.add(call(target));
    }
    Until.until(WAIT, () -> ids.stream().allMatch(this::over),
        () -> ids.stream().filter(id -> !over(id)).count() + " of " + n + " calls still open");
    return ids;
  }

  private long answeredOf(List<String> ids) {
    return ids.stream().filter(answered::containsKey).count();
  }

  /** The value of a destination metric for {@code server}, as /metrics shows it. */
  private double metric(String name, String server) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*server=\"" + Pattern.quote(server)
        + "\"[^}]*\\} (\\S+)$").matcher(NodeMetrics.get(kit.system()).scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static String set(String servers, String more) {
    return "sets { t { servers = [" + servers + "], " + more + " } }, default-set = t";
  }

  private static String server(Sipp.Ports p, int weight) {
    return "{ uri = \"" + uri(p) + "\", weight = " + weight + " }";
  }

  @Test
  void fourHundredCallsSpreadByTheWeights() throws Exception {
    Sipp.Ports p1 = Sipp.freePorts();
    Sipp.Ports p2 = Sipp.freePorts();
    Sipp.Ports p3 = Sipp.freePorts();
    Sipp a = server("weights-a", "uas_dispatch", p1);
    Sipp b = server("weights-b", "uas_dispatch", p2);
    Sipp c = server("weights-c", "uas_dispatch", p3);
    start(set(server(p1, 2) + ", " + server(p2, 1) + ", " + server(p3, 1),
        "algorithm = weighted, probe.interval = 1s, probe.timeout = 500ms"));
    long t0 = System.nanoTime();
    List<String> ids = calls(400, "sip:+441234@example.com");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(400, answeredOf(ids), "every call answered; failed: " + failed);
    int[] got = {a.callsReceived("INVITE"), b.callsReceived("INVITE"),
        c.callsReceived("INVITE")};
    int[] expected = {200, 100, 100};
    System.out.printf("400 calls in %.1f s over weights 2:1:1: %d / %d / %d INVITEs (expected"
        + " 200 / 100 / 100)%n", seconds, got[0], got[1], got[2]);
    for (int i = 0; i < 3; i++) {
      assertTrue(Math.abs(got[i] - expected[i]) <= expected[i] / 10,
          "server " + i + " got " + got[i] + " of 400, expected " + expected[i] + " +-10 %");
    }
    assertEquals(200, metric("rtc2sip_sip_destination_invites_total", uri(p1)));
    assertEquals(1, metric("rtc2sip_sip_destination_up", uri(p1)));
    assertEquals(2, metric("rtc2sip_sip_destination_weight", uri(p1)));
    // the dashboard's view of this node: the same counts
    assertEquals(List.of(200L, 100L, 100L), NodeMetrics.get(kit.system()).sipDestinations()
        .stream().map(io.rtc2sip.metrics.SipDestination::invites).toList());
  }

  @Test
  void aKilledServerIsProbedDownItsCallsFailOverAndItComesBack() throws Exception {
    Sipp.Ports p1 = Sipp.freePorts();
    Sipp.Ports p2 = Sipp.freePorts();
    Sipp.Ports p3 = Sipp.freePorts();
    server("kill-a", "uas_dispatch", p1);
    Sipp victim = server("kill-b", "uas_dispatch", p2);
    server("kill-c", "uas_dispatch", p3);
    int failuresToDown = 3;
    Duration interval = Duration.ofSeconds(1);
    Duration timeout = Duration.ofMillis(500);
    start(set(server(p1, 1) + ", " + server(p2, 1) + ", " + server(p3, 1),
        "algorithm = round-robin, failover-timeout = 1s, probe { interval = 1s,"
            + " timeout = 500ms, failures-to-down = " + failuresToDown
            + ", successes-to-up = 2 }"));
    Until.until(WAIT, () -> metric("rtc2sip_sip_destination_probe_latency_seconds", uri(p2)) > 0,
        "the victim answered a probe");
    assertEquals(30, answeredOf(calls(30, "sip:1000@example.com")));

    // killed while calls go on: the calls it gets before it is marked down fail over
    List<String> during = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean placing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
      while (placing.get()) {
        during.addAll(calls(3, "sip:1000@example.com"));
      }
    });
    victim.kill();
    long killed = System.nanoTime();
    Until.until(WAIT, () -> metric("rtc2sip_sip_destination_up", uri(p2)) == 0,
        "the killed server probed down");
    double detected = (System.nanoTime() - killed) / 1e9;
    placing.set(false);
    load.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    double bound = (failuresToDown * interval.toMillis() + timeout.toMillis()) / 1000.0;
    System.out.printf("killed server marked down after %.2f s (probe interval %d ms x %d"
        + " failures, timeout %d ms: at most %.1f s); %d calls placed meanwhile, %d answered%n",
        detected, interval.toMillis(), failuresToDown, timeout.toMillis(), bound, during.size(),
        answeredOf(during));
    assertTrue(detected <= bound + 1.0,
        "down within " + bound + " s (and 1 s of scheduling): " + detected);
    assertEquals(during.size(), answeredOf(during), "no call lost: " + failed);
    assertEquals(0, metric("rtc2sip_sip_destination_up", uri(p2)));

    List<String> whileDown = calls(30, "sip:1000@example.com");
    assertEquals(30, answeredOf(whileDown), "no call lost while it is down: " + failed);
    assertTrue(whileDown.stream().allMatch(id -> answered.get(id).inviteCseq() == 1),
        "no call tries the server that is down");

    // started again on the same port: probed up, it takes calls again
    Sipp again = server("kill-b-again", "uas_dispatch", p2);
    Until.until(WAIT, () -> metric("rtc2sip_sip_destination_up", uri(p2)) == 1,
        "the restarted server probed up");
    assertEquals(30, answeredOf(calls(30, "sip:1000@example.com")));
    assertEquals(10, again.callsReceived("INVITE"), "round robin over three: a third of 30");
  }

  @Test
  void aServerAnswering503IsFailedOverWithinTheCall() throws Exception {
    Sipp.Ports ok = Sipp.freePorts();
    Sipp.Ports unavailable = Sipp.freePorts();
    Sipp good = server("503-ok", "uas_dispatch", ok);
    Sipp bad = server("503-unavailable", "uas_unavailable", unavailable);
    // the server answering 503 is the one of lowest priority value: every call meets it first
    start(set("{ uri = \"" + uri(unavailable) + "\", priority = 0 }, { uri = \"" + uri(ok)
        + "\", priority = 1 }", "algorithm = priority"));
    List<String> ids = calls(20, "sip:2000@example.com");
    assertEquals(20, answeredOf(ids), "every call answered: " + failed);
    assertEquals(20, bad.callsReceived("INVITE"), bad.where());
    assertEquals(20, good.callsReceived("INVITE"), good.where());
    // each call went on with the next CSeq in the same call
    assertTrue(ids.stream().allMatch(id -> answered.get(id).inviteCseq() == 2),
        "the INVITE after the 503 has CSeq 2");
  }

  @Test
  void aServerRefusingTheConnectionIsFailedOverAtOnce() throws Exception {
    Sipp.Ports nobody = Sipp.freePorts(); // nothing listens there: the TCP connection is refused
    Sipp.Ports ok = Sipp.freePorts();
    Sipp good = server("refused-ok", "uas_dispatch", ok);
    // no probes: the refused server stays up, every call meets it first
    start(set("{ uri = \"" + uri(nobody) + ";transport=tcp\", priority = 0 }, { uri = \""
        + uri(ok) + "\", priority = 1 }", "algorithm = priority, failover-timeout = 10s,"
        + " probe.interval = 0s"));
    long t0 = System.nanoTime();
    List<String> ids = calls(5, "sip:5000@example.com");
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(5, answeredOf(ids), "every call answered by the next server: " + failed);
    assertTrue(ids.stream().allMatch(id -> answered.get(id).inviteCseq() == 2));
    assertEquals(5, good.callsReceived("INVITE"));
    assertTrue(millis < 10_000, "failed over on the refusal, not after the silence: " + millis);
  }

  @Test
  void whenEveryServerFailsTheCallGetsTheLastServersFailure() throws Exception {
    Sipp.Ports first = Sipp.freePorts();
    Sipp.Ports second = Sipp.freePorts();
    Sipp a = server("all-503-a", "uas_unavailable", first);
    Sipp b = server("all-503-b", "uas_unavailable", second);
    start(set(server(first, 1) + ", " + server(second, 1), "algorithm = priority"));
    String callId = call("sip:3000@example.com");
    Until.until(WAIT, () -> failed.containsKey(callId), "the call failed");
    assertEquals(503, failed.get(callId).status());
    assertEquals(EndCause.SERVER_FAILURE, EndCause.fromSipStatus(failed.get(callId).status()));
    assertEquals(1, a.callsReceived("INVITE"));
    assertEquals(1, b.callsReceived("INVITE"));
  }

  @Test
  void aSetWithNoLiveServerFailsANewCallAtOnce() throws Exception {
    Sipp.Ports nobody = Sipp.freePorts(); // nothing listens there
    start(set(server(nobody, 1), "probe { interval = 200ms, timeout = 100ms,"
        + " failures-to-down = 2 }"));
    Until.until(WAIT, () -> metric("rtc2sip_sip_destination_up", uri(nobody)) == 0,
        "the silent server probed down");
    long t0 = System.nanoTime();
    String callId = call("sip:4000@example.com");
    Until.until(Duration.ofSeconds(2), () -> failed.containsKey(callId), "the call failed");
    System.out.printf("no live server: the call failed after %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    assertEquals(503, failed.get(callId).status());
    assertEquals("server-failure: no live server in set t", failed.get(callId).reason());
    assertEquals(EndCause.SERVER_FAILURE, EndCause.fromSipStatus(503));
  }

  @Test
  void kamailioIsProbedUpAndACallFailsOverThroughIt() throws Exception {
    Sipp.Ports uas = Sipp.freePorts();
    Sipp.Ports unavailable = Sipp.freePorts();
    Sipp callee = server("kamailio-callee", "uas_dispatch", uas);
    Sipp bad = server("kamailio-503", "uas_unavailable", unavailable);
    try (Kamailio kamailio = Kamailio.start()) {
      String proxy = "sip:127.0.0.1:" + kamailio.port;
      start(set("{ uri = \"" + uri(unavailable) + "\", priority = 0 }, { uri = \"" + proxy
          + "\", priority = 1 }", "algorithm = priority, probe { interval = 500ms,"
          + " timeout = 400ms }"));
      Until.until(WAIT, () -> metric("rtc2sip_sip_destination_probe_latency_seconds", proxy) > 0,
          "Kamailio answered a probe");
      // up: at once, or (probes that came before Kamailio listened took it down) after the
      // set's successes-to-up answered probes
      Until.until(WAIT, () -> metric("rtc2sip_sip_destination_up", proxy) == 1,
          "Kamailio probed up");
      // the first server answers 503; Kamailio relays the next INVITE to the Request-URI's host
      String callId = call("sip:carol@127.0.0.1:" + uas.sip());
      Until.until(WAIT, () -> over(callId), "the call answered or failed");
      assertTrue(answered.containsKey(callId), "answered through Kamailio: " + failed);
      assertEquals(1, bad.callsReceived("INVITE"));
      assertEquals(1, callee.callsReceived("INVITE"));
      assertTrue(answered.get(callId).routeSet().toString().contains(":" + kamailio.port),
          "the dialog goes through Kamailio (Record-Route): " + answered.get(callId).routeSet());
      callee.awaitInLog("BYE sip:", 1);
    }
  }

  @Test
  void registrationsGoToTheFirstLiveServerOfTheRegistrarSet() throws Exception {
    Sipp.Ports nobody = Sipp.freePorts(); // nothing listens there
    try (Kamailio kamailio = Kamailio.start()) {
      port = Sipp.freeUdpPort();
      start("sets { reg { servers = [ { uri = \"" + uri(nobody) + "\", priority = 0 },"
          + " { uri = \"sip:127.0.0.1:" + kamailio.port + "\", priority = 1 } ],"
          + " probe { interval = 200ms, timeout = 100ms, failures-to-down = 2 } } }",
          new SipSettings("127.0.0.1", port, List.of("udp", "tcp"), "", "", "", "rtc2sip-test",
              "set:reg", 60, Map.of("alice", new SipSettings.Account("alice", "alice123")),
              1800, 0, 5));
      String registrar = "sip:127.0.0.1:" + kamailio.port;
      Until.until(WAIT, () -> metric("rtc2sip_sip_destination_up", uri(nobody)) == 0
          && metric("rtc2sip_sip_destination_up", registrar) == 1
          && metric("rtc2sip_sip_destination_probe_latency_seconds", registrar) > 0,
          "the first server probed down, Kamailio up");
      adapter.registrations().tell(new io.rtc2sip.actors.port.SipRegistrationCommand.Bind(
          "alice"));
      Until.until(WAIT, () -> adapter.registrationState("alice").equals("REGISTERED"),
          () -> "alice registered at Kamailio, is " + adapter.registrationState("alice"));
      assertTrue(kamailio.log().contains("REGISTER saved sip:alice@127.0.0.1"),
          "Kamailio saved the binding");
    }
  }

  @Test
  void aTransferTargetOutsideTheSetIsInvitedDirectlyAndItsFailureIsNotFailedOverIntoTheSet()
      throws Exception {
    Sipp.Ports a = Sipp.freePorts();
    Sipp.Ports b = Sipp.freePorts();
    Sipp.Ports target = Sipp.freePorts();
    Sipp first = server("transfer-a", "uas_dispatch", a);
    Sipp spare = server("transfer-b", "uas_dispatch", b);
    Sipp busyTarget = server("transfer-target", "uas_unavailable", target);
    start("sets { t { servers = [ { uri = \"" + uri(a) + "\", priority = 0 }, { uri = \""
        + uri(b) + "\", priority = 1 } ], algorithm = priority, probe.interval = 0s } }"
        + ", routes = [ { prefix = \"9\", set = t } ]");
    hangUp = false;
    String callId = call("sip:9000@example.com");
    Until.until(WAIT, () -> over(callId), "the call answered through the set");
    assertTrue(answered.containsKey(callId), "answered: " + failed);
    // the call's second dialog (a transfer target), routed by its own Request-URI: no set
    SipDialog transfer = SipDialog.outgoing(CallIds.sipCallIdFor(callId, 2),
        CallIds.localTagFor(callId, 2), "sip:bob@127.0.0.1", "sip:t@127.0.0.1:" + target.sip());
    adapter.port().tell(new SipLegCommand.Invite(callId, transfer, Party.rtc("bob"),
        Party.sip(transfer.remoteUri())));
    Until.until(WAIT, () -> failed.containsKey(callId), "the transfer target's failure");
    assertEquals(503, failed.get(callId).status());
    assertEquals(1, first.callsReceived("INVITE"));
    assertEquals(1, busyTarget.callsReceived("INVITE"));
    assertEquals(0, spare.callsReceived("INVITE"), "the set's next server is not the target's");
  }
}
