package io.rtc2sip.signaling.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallCommand.PushAttemptFinished;
import io.rtc2sip.actors.call.CallCommand.PushOutcome;
import io.rtc2sip.actors.port.PushCommand;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The push service against an HTTP receiver on loopback: the signed body it sends, and how it
 * judges each answer (table), a timeout and a refused connection.
 */
class PushServiceTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final String SECRET = "0123456789abcdef-test";
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final LinkedBlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
  private volatile int answer = 200;
  /** Holds a slow receiver's answer until the test is over. */
  private final CountDownLatch over = new CountDownLatch(1);
  private HttpServer server;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @AfterEach
  void stop() {
    over.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  private URI receiver(boolean slow) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/push", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(Map.of("body", body,
          "timestamp", exchange.getRequestHeaders().getFirst(PushSignature.TIMESTAMP_HEADER),
          "signature", exchange.getRequestHeaders().getFirst(PushSignature.HEADER),
          "type", exchange.getRequestHeaders().getFirst("Content-Type")));
      if (slow) {
        try {
          over.await(10, TimeUnit.SECONDS); // no answer in time: the sender's timeout is tested
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(answer, -1);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/push");
  }

  private static ActorRef<PushCommand> service(URI url, Duration timeout, int retries) {
    PushSettings settings = new PushSettings(url, SECRET, timeout, retries,
        Duration.ofMillis(500), null);
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return KIT.spawn(PushService.behavior(settings, http, CLOCK));
  }

  private static PushAttemptFinished attempt(ActorRef<PushCommand> service, int attempt) {
    TestProbe<CallCommand> call = KIT.createTestProbe();
    service.tell(new PushCommand.Notify("i-7", "sip:+4930999@pbx.example", "alice",
        NOW.plusSeconds(60), attempt, call.ref()));
    return call.expectMessageClass(PushAttemptFinished.class, Duration.ofSeconds(10));
  }

  @Test
  void theReceiverGetsTheSignedJsonAndA2xxIsDelivered() throws Exception {
    ActorRef<PushCommand> service = service(receiver(false), Duration.ofSeconds(3), 3);
    PushAttemptFinished result = attempt(service, 2);
    assertEquals(PushOutcome.DELIVERED, result.outcome());
    assertEquals(200, result.status());
    assertNull(result.retryIn());

    Map<String, Object> request = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(request);
    byte[] body = (byte[]) request.get("body");
    JsonNode json = new ObjectMapper().readTree(body);
    assertEquals("i-7", json.get("callId").asText());
    assertEquals("sip:+4930999@pbx.example", json.get("caller").asText());
    assertEquals("alice", json.get("callee").asText());
    assertEquals("2026-12-03T10:01:00Z", json.get("deadline").asText());
    assertEquals(2, json.get("attempt").asInt());
    assertEquals("application/json", request.get("type"));
    assertEquals(String.valueOf(NOW.getEpochSecond()), request.get("timestamp"));
    assertTrue(PushSignature.verify(SECRET, (String) request.get("timestamp"), body,
        (String) request.get("signature")));
  }

  @Test
  void eachAnswerIsJudgedAsTheTableSays() throws Exception {
    ActorRef<PushCommand> service = service(receiver(false), Duration.ofSeconds(3), 3);
    Object[][] table = {
        {200, PushOutcome.DELIVERED}, {202, PushOutcome.DELIVERED}, {204, PushOutcome.DELIVERED},
        {400, PushOutcome.FAILED}, {401, PushOutcome.FAILED}, {404, PushOutcome.FAILED},
        {410, PushOutcome.FAILED}, {408, PushOutcome.RETRY}, {429, PushOutcome.RETRY},
        {500, PushOutcome.RETRY}, {502, PushOutcome.RETRY}, {503, PushOutcome.RETRY},
        {301, PushOutcome.FAILED}};
    for (Object[] row : table) {
      answer = (Integer) row[0];
      PushAttemptFinished result = attempt(service, 1);
      assertEquals(row[1], result.outcome(), "HTTP " + row[0]);
      assertEquals(row[0], result.status());
      assertEquals(row[1] == PushOutcome.RETRY ? Duration.ofMillis(500) : null,
          result.retryIn(), "HTTP " + row[0]);
    }
  }

  @Test
  void theBackoffDoublesAndTheLastAttemptFails() throws Exception {
    answer = 503;
    ActorRef<PushCommand> service = service(receiver(false), Duration.ofSeconds(3), 3);
    assertEquals(Duration.ofMillis(500), attempt(service, 1).retryIn());
    assertEquals(Duration.ofSeconds(1), attempt(service, 2).retryIn());
    assertEquals(Duration.ofSeconds(2), attempt(service, 3).retryIn());
    PushAttemptFinished last = attempt(service, 4);
    assertEquals(PushOutcome.FAILED, last.outcome());
    assertNull(last.retryIn());
  }

  @Test
  void aSlowReceiverTimesOutAndIsRetried() throws Exception {
    ActorRef<PushCommand> service = service(receiver(true), Duration.ofMillis(300), 3);
    PushAttemptFinished result = attempt(service, 1);
    assertEquals(PushOutcome.RETRY, result.outcome());
    assertEquals(0, result.status());
    assertEquals("timed out after 300 ms", result.error());
    assertTrue(result.latencyMillis() >= 300, result.toString());
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ActorRef<PushCommand> service =
        service(URI.create("http://127.0.0.1:" + port + "/push"), Duration.ofSeconds(3), 3);
    PushAttemptFinished result = attempt(service, 1);
    assertEquals(PushOutcome.RETRY, result.outcome());
    assertEquals(0, result.status());
    assertNotNull(result.error());
  }
}
