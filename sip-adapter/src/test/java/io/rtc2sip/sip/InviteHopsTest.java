package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose calls run on another node (the "node" is a raw UDP socket here, to see exactly
 * what reaches it and to answer or stay silent): the INVITE is passed on with our Via on top and
 * Max-Forwards one less, its responses come back to the caller without that Via, its CANCEL
 * takes the INVITE's branch, a silent node gets the caller a 503, and an INVITE that passed a hop
 * already is never passed on again.
 */
class InviteHopsTest {
  private static final ActorTestKit KIT = ActorTestKit.create("hops", ConfigFactory.parseString(
      "rtc2sip.sip.invite-hop.target-timeout = 1500ms").withFallback(ConfigFactory.load()));

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private SipAdapter adapter;
  private RawSip caller;
  private RawSip node;
  private int port;
  /** Where the tests' calls run, as the adapter learns it: on the "node" unless a test says. */
  private volatile java.util.function.Function<String, CompletableFuture<CallQuery.Answer>> where;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    port = Sipp.freeUdpPort();
    caller = new RawSip(port);
    node = new RawSip(port); // the other node: what it sends goes to our adapter
    String elsewhere = "127.0.0.1:" + node.localPort();
    where = callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Idle", null,
        elsewhere));
    adapter = SipAdapter.start(KIT.system(), SipSettings.of("127.0.0.1", port, "", "", ""),
        EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
        callId -> where.apply(callId));
  }

  @AfterEach
  void stop() {
    adapter.close();
    caller.close();
    node.close();
  }

  @Test
  void theInviteIsPassedOnAndTheAnswerComesBackWithoutOurVia() throws Exception {
    String invite = caller.invite("alice", "hop-answered@caller");
    assertNotNull(caller.requestUntil(invite, "SIP/2.0 100"), "100 Trying from the first node");
    String passed = node.requestUntil(null, "INVITE ");
    assertNotNull(passed, "the INVITE reached the call's node");
    String[] vias = passed.lines().filter(l -> l.startsWith("Via:"))
        .flatMap(l -> java.util.Arrays.stream(l.substring(4).split(","))).map(String::trim)
        .toArray(String[]::new);
    assertEquals(2, vias.length, passed);
    assertTrue(vias[0].startsWith("SIP/2.0/UDP 127.0.0.1:" + port + ";branch="
        + InviteHops.BRANCH_PREFIX), passed);
    assertTrue(vias[1].contains("127.0.0.1:" + caller.localPort()), passed);
    assertTrue(passed.contains("Max-Forwards: 69"), passed);

    node.send(node.okTo(passed, "nodetag").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    String ok = caller.requestUntil(null, "SIP/2.0 200");
    assertNotNull(ok, "the 200 came back to the caller");
    assertFalse(ok.contains(InviteHops.BRANCH_PREFIX), "our Via is off: " + ok);
    assertTrue(ok.contains("tag=nodetag"), ok);
    calls.expectNoMessage(Duration.ofMillis(200)); // the call is the other node's
  }

  @Test
  void theCancelFollowsWithTheInvitesBranch() throws Exception {
    String invite = caller.invite("alice", "hop-cancel@caller");
    assertNotNull(caller.requestUntil(invite, "SIP/2.0 100"));
    String passed = node.requestUntil(null, "INVITE ");
    assertNotNull(passed);
    assertNotNull(caller.requestUntil(cancelOf(invite), "SIP/2.0 200"),
        "the first node answers the CANCEL");
    String cancel = node.requestUntil(null, "CANCEL ");
    assertNotNull(cancel, "the CANCEL reached the call's node");
    assertEquals(topVia(passed), topVia(cancel), "the branch of the INVITE passed on");
  }

  @Test
  void aNewInviteOfTheCallWhileItsFirstIsLookedUpIsNoCopyOfIt() throws Exception {
    CompletableFuture<CallQuery.Answer> slow = new CompletableFuture<>();
    where = callId -> slow;
    String first = caller.invite("alice", "hop-second@caller");
    assertNotNull(caller.requestUntil(first, "SIP/2.0 100"), "100 Trying while looked up");
    // the caller's next INVITE of the call (as after a 422 or 401): CSeq 2, a branch of its own
    String second = first.replace("CSeq: 1 INVITE", "CSeq: 2 INVITE")
        .replaceFirst(";branch=z9hG4bK", ";branch=z9hG4bKsecond");
    String answer = caller.requestUntil(second, "SIP/2.0 5");
    assertNotNull(answer, "the second INVITE is answered, not taken for a copy of the first");
    assertTrue(answer.startsWith("SIP/2.0 500") && answer.contains("Retry-After: 1"), answer);
    assertTrue(answer.contains("CSeq: 2 INVITE"), answer);
    slow.complete(new CallQuery.Answer("Idle", null, null)); // the call runs here
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(Duration.ofSeconds(10));
    assertInstanceOf(CallCommand.SipInviteReceived.class, e.message(), "the first is taken here");
  }

  @Test
  void aSilentNodeGetsTheCaller503() throws Exception {
    String invite = caller.invite("alice", "hop-silent@caller");
    assertNotNull(caller.requestUntil(invite, "SIP/2.0 100"));
    assertNotNull(caller.requestUntil(null, "SIP/2.0 503"), "503 once the node stayed silent");
  }

  @Test
  void anInviteThatPassedAHopIsNeverPassedOnAgain() throws Exception {
    String invite = caller.invite("alice", "hop-loop@caller").replaceFirst("Via: ",
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=" + InviteHops.BRANCH_PREFIX + "0123\r\nVia: ");
    caller.send(invite.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    ShardingEnvelope<CallCommand> e = calls.receiveMessage(Duration.ofSeconds(10));
    assertInstanceOf(CallCommand.SipInviteReceived.class, e.message(), "taken here");
  }

  @Test
  void theMarkOfAHopFromASourceThatIsNoNodeOfOursIsWorthNothing() throws Exception {
    int closed = Sipp.freeUdpPort();
    ActorTestKit other = ActorTestKit.create("strict"); // one adapter per actor system
    TestProbe<ShardingEnvelope<CallCommand>> strictCalls = other.createTestProbe();
    SipAdapter strict = SipAdapter.start(other.system(),
        SipSettings.of("127.0.0.1", closed, "", "", ""),
        io.rtc2sip.sip.access.SipAccessSettings.defaults().withTrusted(java.util.List.of()),
        EntityMessenger.envelopes(strictCalls.ref()), new TestMediaEndpoints(),
        callId -> CompletableFuture.completedFuture(new CallQuery.Answer("Idle", null, null)));
    try (RawSip outsider = new RawSip(closed)) {
      String invite = outsider.invite("alice", "forged-hop@caller").replaceFirst(
          "branch=z9hG4bK", "branch=" + InviteHops.BRANCH_PREFIX);
      String answer = outsider.requestUntil(invite, "SIP/2.0 ");
      assertNotNull(answer);
      assertTrue(answer.startsWith("SIP/2.0 403"), "refused like any untrusted INVITE: " + answer);
      strictCalls.expectNoMessage(Duration.ofMillis(200));
    } finally {
      strict.close();
      other.shutdownTestKit();
    }
  }

  private static String topVia(String message) {
    return message.lines().filter(l -> l.startsWith("Via:")).findFirst().orElseThrow()
        .split(",")[0];
  }

  /** The CANCEL of {@code invite}: its Request-URI, top Via, From, To, Call-ID and CSeq number. */
  private static String cancelOf(String invite) {
    StringBuilder c = new StringBuilder(invite.lines().findFirst().orElseThrow()
        .replaceFirst("^INVITE", "CANCEL")).append("\r\n");
    for (String line : invite.split("\r\n")) {
      if (line.startsWith("Via:") || line.startsWith("From:") || line.startsWith("To:")
          || line.startsWith("Call-ID:") || line.startsWith("Max-Forwards:")) {
        c.append(line).append("\r\n");
      }
    }
    return c.append("CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n").toString();
  }
}
