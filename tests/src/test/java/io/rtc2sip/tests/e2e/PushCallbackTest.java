package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserSession;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.LoopbackCapture;
import io.rtc2sip.tests.support.TestNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The callback flow of an offline callee with a real push: sipp calls a user who is offline,
 * the node POSTs a signed notice to a push receiver (an HTTP server in this test, which checks
 * the signature as a receiver would), the user logs in on the push and answers, audio flows both
 * ways; while parked the caller hears the gateway's ringback (183 with SDP, 425 Hz in the
 * RTP); a receiver that fails is retried with backoff, and nobody logging in ends the call with
 * 480 at the park deadline; every attempt is in the call's history.
 */
class PushCallbackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "push-secret-for-the-e2e-test";
  private static final Duration PARK = Duration.ofSeconds(5);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static TestNode node;
  private static HttpServer receiver;
  /** What the receiver got, by callee uid. */
  private static final Map<String, LinkedBlockingQueue<Push>> pushes = new ConcurrentHashMap<>();
  /** The statuses the receiver answers, in turn, by callee uid (then 200). */
  private static final Map<String, Deque<Integer>> answers = new ConcurrentHashMap<>();

  /** One request the receiver got. */
  record Push(byte[] body, String timestamp, String signature, long receivedNanos) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/push", exchange -> {
      long at = System.nanoTime();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String callee = JSON.readTree(body).path("callee").asText();
      Deque<Integer> script = answers.getOrDefault(callee, new ArrayDeque<>());
      Integer status;
      synchronized (script) {
        status = script.poll();
      }
      exchange.sendResponseHeaders(status == null ? 200 : status, -1);
      exchange.close();
      pushes.computeIfAbsent(callee, c -> new LinkedBlockingQueue<>()).add(new Push(body,
          exchange.getRequestHeaders().getFirst("X-Rtc2sip-Timestamp"),
          exchange.getRequestHeaders().getFirst("X-Rtc2sip-Signature"), at));
    });
    receiver.start();
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of(
        "rtc2sip.push.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/push",
        "rtc2sip.push.secret", SECRET,
        "rtc2sip.push.any-uid-pattern", "app-[0-9]+",
        "rtc2sip.call.park-timeout", PARK.toMillis() + "ms",
        "rtc2sip.call.parked-ringback", "on"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  /** How a receiver checks a push: HMAC-SHA256 of "timestamp.body", compared in constant time. */
  static boolean verifies(String timestamp, byte[] body, String signature) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
        .getBytes(StandardCharsets.US_ASCII);
    return signature != null
        && MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static Push awaitPush(String uid) throws Exception {
    Push push = pushes.computeIfAbsent(uid, c -> new LinkedBlockingQueue<>())
        .poll(15, TimeUnit.SECONDS);
    assertNotNull(push, "no push for " + uid + " within 15 s");
    assertTrue(verifies(push.timestamp(), push.body(), push.signature()),
        "the push's signature does not verify: " + push.signature());
    long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(push.timestamp()));
    assertTrue(age <= 5, "timestamp " + push.timestamp() + " is " + age + " s off");
    return push;
  }

  /** The call's history as /api/calls/{id}/replay gives it, once it holds {@code last}. */
  private static JsonNode history(String callId, String last) {
    return Until.value(Duration.ofSeconds(15), Until.probing(() -> {
      String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + node.httpPort + "/api/calls/" + callId + "/replay")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      JsonNode json = JSON.readTree(body);
      for (JsonNode step : json.path("steps")) {
        if (last.equals(step.path("event").asText())) {
          return json;
        }
      }
      return null;
    }), () -> callId + "'s history with " + last);
  }

  private static List<JsonNode> steps(JsonNode history, String event) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode step : history.path("steps")) {
      if (event.equals(step.path("event").asText())) {
        out.add(step.path("data"));
      }
    }
    return out;
  }

  private static List<String> events(JsonNode history) {
    List<String> out = new ArrayList<>();
    history.path("steps").forEach(s -> out.add(s.path("event").asText()));
    return out;
  }

  /** The datagrams captured after {@code micros} (since the epoch). */
  private static List<LoopbackCapture.Datagram> after(List<LoopbackCapture.Datagram> all,
      long micros) {
    return all.stream().filter(d -> d.micros() > micros).toList();
  }

  private static String metrics() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static boolean offline(String uid) {
    Presence p = node.sharding().entityRefFor(UserSession.TYPE_KEY, uid)
        .<Presence>ask(UserCommand.GetPresence::new, Duration.ofSeconds(3))
        .toCompletableFuture().join();
    return !p.online();
  }

  @Test
  void aNeverSeenUidIsPushedLogsInOnThePushAndTalksBothWays() throws Exception {
    String uid = "app-1001";
    long invited = System.nanoTime();
    try (Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, uid, 6000);
        LoopbackCapture toSipp = LoopbackCapture.start(dir.resolve("to-sipp.pcap"),
            "dst port " + sipp.mediaPort)) {
      Push push = awaitPush(uid);
      long pushedMillis = (push.receivedNanos() - invited) / 1_000_000;
      JsonNode notice = push.json();
      assertEquals(uid, notice.get("callee").asText());
      assertTrue(notice.get("caller").asText().startsWith("sip:sipp@"), notice.toString());
      assertEquals(1, notice.get("attempt").asInt());
      Instant deadline = Instant.parse(notice.get("deadline").asText());
      assertTrue(deadline.isAfter(Instant.now()), "deadline " + deadline);
      // a receiver refuses what was changed on the way
      byte[] tampered = push.body().clone();
      tampered[tampered.length - 2] ^= 1;
      assertFalse(verifies(push.timestamp(), tampered, push.signature()));
      assertFalse(verifies(String.valueOf(Long.parseLong(push.timestamp()) - 600), push.body(),
          push.signature()));
      String callId = notice.get("callId").asText();

      // while parked, sipp got 183 with our SDP and hears the gateway's ringback: 425 Hz
      var ringing = toSipp.await("500 ms of ringback at sipp", Duration.ofSeconds(10),
          d -> LoopbackCapture.g711Audio(d, 8).length >= 4000);
      short[] ringback = LoopbackCapture.g711Audio(ringing, 8);
      double ringbackShare = Tones.share(Tones.upsample6(ringback), 425);
      assertTrue(ringbackShare > 0.8, "425 Hz share of what sipp heard while parked: "
          + ringbackShare);
      assertTrue(sipp.messages().contains("SIP/2.0 183"), sipp.where());

      // woken by the push, the user logs in and is offered the parked call
      try (SignalingCallsTest.Phone phone = new SignalingCallsTest.Phone(uid, node.signalingPort)) {
        JsonNode incoming = phone.await("incoming-call", sipp);
        assertEquals(callId, incoming.get("callId").asText());
        try (LoopbackRtcClient audio = LoopbackRtcClient.join(
            new InetSocketAddress("127.0.0.1", node.rtcPort),
            incoming.get("channel").asText(), uid)) {
          AtomicBoolean talking = new AtomicBoolean(true);
          Thread speaker = Tones.play(audio, 1000, talking);
          try {
            assertEquals("result", phone.request("{\"type\":\"answer\",\"callId\":\"" + callId
                + "\"}").get("type").asText());
            long answeredMicros = System.currentTimeMillis() * 1000;
            // sipp's pcap: 800 Hz to the user
            short[] heard = Tones.collect(audio, 150);
            double fromSip = Tones.share(Tones.loudest(heard, 60), 800);
            assertTrue(fromSip > 0.8, "800 Hz share of what the user heard: " + fromSip);
            // the user's 1 kHz to sipp, as sipp received it (PCMA)
            var datagrams = toSipp.await("the user's tone at sipp", Duration.ofSeconds(15),
                d -> LoopbackCapture.g711Audio(after(d, answeredMicros), 8).length >= 8000);
            short[] atSipp = Tones.upsample6(
                LoopbackCapture.g711Audio(after(datagrams, answeredMicros), 8));
            double toSip = Tones.share(Tones.loudest(atSipp, 60), 1000);
            assertTrue(toSip > 0.8, "1 kHz share of what sipp received: " + toSip);
          } finally {
            talking.set(false);
            speaker.join();
          }
          assertEquals("remote-hangup", phone.await("ended", sipp).get("cause").asText());
        }
      }
      assertEquals(0, sipp.await(40), sipp.where());

      JsonNode history = history(callId, "CallEnded");
      assertEquals(List.of("CallReceived", "CallParked", "PushAttempted", "PushDelivered",
          "CallAlerting", "CallAnswered", "CallEnded"), events(history).stream()
          .filter(e -> !e.equals("SessionReoffered")).toList(), history.toString());
      assertTrue(steps(history, "CallParked").get(0).get("push").asBoolean());
      JsonNode attempted = steps(history, "PushAttempted").get(0);
      assertEquals(200, attempted.get("status").asInt());
      System.out.println("push figures: INVITE to push received " + pushedMillis
          + " ms; push attempt latency " + attempted.get("latencyMillis").asLong()
          + " ms; 425 Hz share of sipp's audio while parked " + ringbackShare);
      System.out.println("history of " + callId + ": " + history);
      String m = metrics();
      assertTrue(m.contains("rtc2sip_push_attempts_total{outcome=\"delivered\"}"), m);
      assertTrue(m.contains("rtc2sip_parked_calls_total{outcome=\"answered\"}"), m);
    }
  }

  @Test
  void aFailingReceiverIsRetriedWithBackoffAndNobodyLoggingInEndsTheCallWith480()
      throws Exception {
    String uid = "bob";
    // a known user, now offline
    new SignalingCallsTest.Phone(uid, node.signalingPort).close(); // logged in, then gone
    Until.until(Duration.ofSeconds(10), Until.checking(() -> offline(uid)), uid + " offline");
    answers.put(uid, new ArrayDeque<>(List.of(503, 503)));
    long invited = System.nanoTime();
    try (Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, uid, 1000)) {
      Push first = awaitPush(uid);
      Push second = awaitPush(uid);
      Push third = awaitPush(uid);
      assertEquals(List.of(1, 2, 3), List.of(first.json().get("attempt").asInt(),
          second.json().get("attempt").asInt(), third.json().get("attempt").asInt()));
      String callId = first.json().get("callId").asText();
      long gap1 = (second.receivedNanos() - first.receivedNanos()) / 1_000_000;
      long gap2 = (third.receivedNanos() - second.receivedNanos()) / 1_000_000;
      assertTrue(gap1 >= 450 && gap2 >= 950, "backoff 0.5 s then 1 s: " + gap1 + ", " + gap2);

      sipp.await(30);
      long ended = (System.nanoTime() - invited) / 1_000_000;
      assertTrue(sipp.messages().contains("SIP/2.0 480"), sipp.where());
      assertTrue(ended >= PARK.toMillis(), "480 after " + ended + " ms");

      JsonNode history = history(callId, "CallEnded");
      List<JsonNode> attempts = steps(history, "PushAttempted");
      assertEquals(List.of(503, 503, 200), attempts.stream().map(a -> a.get("status").asInt())
          .toList(), history.toString());
      assertFalse(attempts.get(0).get("retryAt").isNull());
      assertFalse(attempts.get(1).get("retryAt").isNull());
      assertTrue(attempts.get(2).get("retryAt").isNull());
      assertEquals(3, steps(history, "PushDelivered").get(0).get("attempts").asInt());
      JsonNode end = steps(history, "CallEnded").get(0);
      assertEquals(480, end.get("sipStatus").asInt());
      assertEquals("CALLEE_OFFLINE", end.get("cause").asText());
      System.out.println("push figures: INVITE to third attempt " + (third.receivedNanos()
          - invited) / 1_000_000 + " ms (gaps " + gap1 + ", " + gap2 + " ms); 480 after "
          + ended + " ms");
      System.out.println("history of " + callId + ": " + history);
      String m = metrics();
      assertTrue(m.contains("rtc2sip_push_attempts_total{outcome=\"retry\"}"), m);
      assertTrue(m.contains("rtc2sip_parked_calls_total{outcome=\"timed-out\"}"), m);
    }
  }

  @Test
  void aReceiverThatKeepsFailingIsGivenUpAndTheHistorySaysWhy() throws Exception {
    String uid = "app-3003";
    answers.put(uid, new ArrayDeque<>(List.of(503, 503, 503, 503, 503, 503)));
    try (Sipp sipp = Sipp.uac("uac_call_pcap", node.sipPort, uid, 1000)) {
      Push first = awaitPush(uid);
      String callId = first.json().get("callId").asText();
      sipp.await(30);
      assertTrue(sipp.messages().contains("SIP/2.0 480"), sipp.where());
      JsonNode history = history(callId, "CallEnded");
      // attempts at 0, 0.5, 1.5 and 3.5 s (backoff 0.5, 1, 2 s); the fourth is the last allowed
      assertEquals(4, steps(history, "PushAttempted").size(), history.toString());
      JsonNode failed = steps(history, "PushFailed").get(0);
      assertEquals(4, failed.get("attempts").asInt());
      assertEquals("no attempts left (last: HTTP 503)", failed.get("reason").asText());
      String m = metrics();
      assertTrue(m.contains("rtc2sip_push_attempts_total{outcome=\"failed\"}"), m);
    }
  }
}
