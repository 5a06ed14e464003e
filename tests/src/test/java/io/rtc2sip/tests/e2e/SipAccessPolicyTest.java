package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import io.rtc2sip.actors.user.UserSession;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.TestNode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIP access policy of a whole node, against callers on other loopback addresses: only
 * 127.0.0.1 is trusted; sipp from 127.0.0.2 is challenged and calls with the right password,
 * gets 403 with a wrong one; a scanner's User-Agent and a source over its rate are banned and
 * dropped, and a ban ends by itself.
 */
class SipAccessPolicyTest {
  private static final Duration ASK = Duration.ofSeconds(10);
  @TempDir static Path dir;
  private static TestNode node;
  private static NodeMetrics.SipAccess counters;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of(
        "rtc2sip.sip.access.trusted", "127.0.0.1/32",
        "rtc2sip.sip.access.account.username", "pbx",
        "rtc2sip.sip.access.account.password", "pbx-secret",
        "rtc2sip.sip.access.rate-limit.requests-per-second", 5,
        "rtc2sip.sip.access.rate-limit.burst", 20,
        "rtc2sip.sip.access.rate-limit.ban", "2s"));
    counters = NodeMetrics.get(node.node.system()).sipAccess();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anUntrustedCallerIsChallengedAndCallsWithTheRightPassword() throws Exception {
    login("alice", "conn-a");
    double authenticated = counters.authenticated.get();
    try (Sipp sipp = Sipp.uacFrom("127.0.0.2", "uac_call_pcap", node.sipPort, "alice", 2000,
        "-au", "pbx", "-ap", "pbx-secret")) {
      String callId = awaitAlertingCallOf("alice");
      assertInstanceOf(CallReply.Accepted.class, sharding().entityRefFor(CallEntity.TYPE_KEY,
          callId).<CallReply>ask(r -> new CallCommand.Answer("alice", r), ASK)
          .toCompletableFuture().get());
      assertEquals(0, sipp.await(40), sipp.where());
      String messages = sipp.messages();
      assertTrue(messages.contains("SIP/2.0 407"), sipp.where());
      assertTrue(messages.contains("Proxy-Authenticate: Digest realm=\"rtc2sip\""),
          sipp.where());
      assertTrue(messages.contains("Proxy-Authorization: Digest"), sipp.where());
      assertTrue(messages.contains("SIP/2.0 200 OK"), sipp.where());
    }
    assertEquals(authenticated + 1, counters.authenticated.get());
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + node.httpPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("rtc2sip_sip_invite_access_total{outcome=\"authenticated\"}"),
        metrics);
  }

  @Test
  void aWrongPasswordIs403AndNoCall() throws Exception {
    double refused = counters.refusedBadCredentials.get();
    try (Sipp sipp = Sipp.uacFrom("127.0.0.2", "uac_call_pcap", node.sipPort, "bob", 1000,
        "-au", "pbx", "-ap", "wrong")) {
      sipp.await(40);
      String messages = sipp.messages();
      assertTrue(messages.contains("SIP/2.0 407"), sipp.where());
      assertTrue(messages.contains("SIP/2.0 403"), sipp.where());
      assertFalse(messages.contains("SIP/2.0 180"), sipp.where());
    }
    assertEquals(refused + 1, counters.refusedBadCredentials.get());
    assertTrue(presence("bob").calls().isEmpty(), "no call was made");
  }

  @Test
  void aScannerIsBannedAndDropped() throws Exception {
    double bans = counters.bannedScanner.get();
    try (Udp scanner = new Udp("127.0.0.4")) {
      assertNull(scanner.ask(scanner.options("friendly-scanner"), Duration.ofMillis(1500)),
          "a scanner gets no answer");
      assertEquals(bans + 1, counters.bannedScanner.get());
      assertNull(scanner.ask(scanner.options("Linphone/5.0"), Duration.ofMillis(1000)),
          "its source is banned, whatever it claims to be next");
    }
    try (Udp other = new Udp("127.0.0.5")) {
      assertNotNull(other.ask(other.options("Linphone/5.0"), Duration.ofSeconds(5)),
          "another source is answered");
    }
  }

  @Test
  void aSourceOverItsRateIsBannedUntilTheBanEnds() throws Exception {
    double bans = counters.bannedRateLimited.get();
    try (Udp flooder = new Udp("127.0.0.3")) {
      for (int i = 0; i < 100; i++) {
        flooder.send(flooder.options("flood"));
      }
      // the stack reads the datagrams on its own threads: poll the counter
      Until.holds(Duration.ofSeconds(5), () -> counters.bannedRateLimited.get() != bans);
      assertEquals(bans + 1, counters.bannedRateLimited.get());
      flooder.drain();
      assertNull(flooder.ask(flooder.options("after"), Duration.ofMillis(800)),
          "banned: dropped unanswered");
      // the ban (2 s here) ends by itself; then the source is answered again
      String answer = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (answer == null && System.nanoTime() < deadline) {
        answer = flooder.ask(flooder.options("later"), Duration.ofMillis(500));
      }
      assertNotNull(answer, "answered once the ban has ended");
      assertTrue(answer.startsWith("SIP/2.0 200"), answer);
    }
  }

  private static ClusterSharding sharding() {
    return node.sharding();
  }

  private static void login(String uid, String connection) throws Exception {
    UserReply reply = sharding().entityRefFor(UserSession.TYPE_KEY, uid)
        .<UserReply>ask(r -> new UserCommand.Login(node.address(), connection, r), ASK)
        .toCompletableFuture().get();
    assertInstanceOf(UserReply.Accepted.class, reply);
  }

  private static Presence presence(String uid) throws Exception {
    return sharding().entityRefFor(UserSession.TYPE_KEY, uid)
        .<Presence>ask(UserCommand.GetPresence::new, ASK).toCompletableFuture().get();
  }

  private static String awaitAlertingCallOf(String uid) {
    // the call arrives by SIP: poll the user's presence
    return Until.value(Duration.ofSeconds(20), Until.probing(() -> {
      for (String id : presence(uid).calls()) {
        CallView v = sharding().entityRefFor(CallEntity.TYPE_KEY, id)
            .<CallView>ask(CallCommand.GetCall::new, ASK).toCompletableFuture().get();
        if (v.state().equals("Alerting")) {
          return id;
        }
      }
      return null;
    }), () -> "an alerting call for " + uid);
  }

  /** Raw SIP over UDP from one loopback address. */
  private static final class Udp implements AutoCloseable {
    private final DatagramSocket socket;
    private final String address;

    Udp(String address) throws IOException {
      this.address = address;
      this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
    }

    String options(String userAgent) {
      String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
      return "OPTIONS sip:100@127.0.0.1:" + node.sipPort + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP " + address + ":" + socket.getLocalPort() + ";branch=" + branch
          + "\r\n"
          + "From: <sip:probe@" + address + ">;tag=" + branch.substring(7, 15) + "\r\n"
          + "To: <sip:100@127.0.0.1>\r\n"
          + "Call-ID: " + branch + "@" + address + "\r\nCSeq: 1 OPTIONS\r\n"
          + "Max-Forwards: 70\r\nUser-Agent: " + userAgent + "\r\nContent-Length: 0\r\n\r\n";
    }

    void send(String message) throws IOException {
      byte[] b = message.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1",
          node.sipPort)));
    }

    /** Sends {@code message} once; its answer (same Call-ID) within {@code wait}, or null. */
    String ask(String message, Duration wait) throws IOException {
      send(message);
      String callId = message.lines().filter(l -> l.startsWith("Call-ID:")).findFirst()
          .orElseThrow();
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return null;
        }
        String answer = receive(Duration.ofMillis(left));
        if (answer == null || answer.contains(callId)) {
          return answer; // answers to earlier requests are skipped
        }
      }
    }

    /** Reads away answers to what was sent before. */
    void drain() throws IOException {
      while (receive(Duration.ofMillis(200)) != null) {
        // an answer to a request sent before the ban
      }
    }

    private String receive(Duration wait) throws IOException {
      byte[] buf = new byte[8192];
      socket.setSoTimeout((int) wait.toMillis());
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
      } catch (SocketTimeoutException none) {
        return null;
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
