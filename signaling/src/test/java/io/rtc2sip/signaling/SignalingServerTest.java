package io.rtc2sip.signaling;

import static io.rtc2sip.testkit.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signaling server over real TCP and WebSocket connections; the calls and user sessions
 * are probes that answer as the entities would.
 */
class SignalingServerTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  static final String SECRET = "a-test-secret-of-some-length";
  private static final Tokens TOKENS = new Tokens(SECRET, Clock.systemUTC());

  private final TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
  private final TestProbe<ShardingEnvelope<UserCommand>> users = KIT.createTestProbe();
  private SignalingServer server;
  /** The RTC network's tokens as the server sees them: none (loopback) unless a test says. */
  private volatile io.rtc2sip.actors.rtc.RtcTokens rtcTokens =
      io.rtc2sip.actors.rtc.RtcTokens.NONE;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    start(settings(100, 100, Duration.ofSeconds(30)));
  }

  /** Settings with the given caps and login timeout (the other values are the tests'). */
  static SignalingSettings settings(int maxConnections, int perAddress, Duration loginTimeout) {
    return new SignalingSettings("127.0.0.1", 0, SECRET, 1024, Duration.ofSeconds(30), 50,
        Duration.ofSeconds(3), maxConnections, perAddress, loginTimeout, 100,
        List.of("https://app.example.com"));
  }

  /** Restarts the server with {@code settings}. */
  void start(SignalingSettings settings) throws Exception {
    if (server != null) {
      server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        server = SignalingServer.start(KIT.system(), settings,
            EntityMessenger.envelopes(calls.ref()), EntityMessenger.envelopes(users.ref()),
            (channel, uid) -> rtcTokens.issue(channel, uid), OFFERS);
        return;
      } catch (org.apache.pekko.actor.InvalidActorNameException stillStopping) {
        if (System.nanoTime() > deadline) {
          throw stillStopping;
        }
        Thread.onSpinWait(); // the previous server's actors are still stopping
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * The node's WebRTC legs as the signaling server sees them: only their offer check, which
   * here takes offers with an audio line (the real check is the webrtc module's, tested there
   * and end to end).
   */
  private static final io.rtc2sip.actors.rtc.WebRtcLegs OFFERS =
      new io.rtc2sip.actors.rtc.WebRtcLegs() {
        @Override
        public Answered answer(String callId, String offer, Listener listener) {
          throw new UnsupportedOperationException("legs are the call's node's");
        }

        @Override
        public void check(String offer) {
          if (!offer.contains("m=audio")) {
            throw new IllegalArgumentException("the offer has no audio");
          }
        }
      };

  /** A client on a real TCP connection. */
  final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;
    String connectionId;

    Client() throws Exception {
      this("127.0.0.1");
    }

    /** A client whose connection comes from {@code from} (any 127.x address on Linux). */
    Client(String from) throws Exception {
      socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), server.port(),
          java.net.InetAddress.getByName(from), 0);
      socket.setSoTimeout(5000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    void send(String line) throws Exception {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    JsonNode next() throws Exception {
      String line = in.readLine();
      if (line == null) {
        throw new AssertionError("connection closed");
      }
      return Protocol.JSON.readTree(line);
    }

    /** Logs in as {@code uid}, answering the user session's Login. */
    void login(String uid) throws Exception {
      send("{\"v\":1,\"id\":\"l\",\"type\":\"login\",\"uid\":\"" + uid + "\",\"token\":\""
          + TOKENS.issue(uid, Duration.ofMinutes(5)) + "\"}");
      ShardingEnvelope<UserCommand> e = users.receiveMessage();
      assertEquals(uid, e.entityId());
      UserCommand.Login login = assertInstanceOf(UserCommand.Login.class, e.message());
      connectionId = login.connectionId();
      login.replyTo().tell(new UserReply.Accepted(uid));
      JsonNode r = next();
      assertEquals("result", r.get("type").asText(), r.toString());
      assertEquals("l", r.get("id").asText());
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void loginNeedsAValidToken() throws Exception {
    try (Client c = new Client()) {
      c.send("{\"id\":\"1\",\"type\":\"call\",\"to\":\"+4930\"}");
      assertEquals("not-logged-in", c.next().get("code").asText());
      c.send("{\"id\":\"2\",\"type\":\"login\",\"uid\":\"alice\",\"token\":\""
          + TOKENS.issue("bob", Duration.ofMinutes(1)) + "\"}");
      JsonNode e = c.next();
      assertEquals("bad-token", e.get("code").asText());
      assertEquals("2", e.get("id").asText());
      c.login("alice");
    }
  }

  @Test
  void everySignalBecomesItsCommand() throws Exception {
    record Case(String json, Class<?> command) {}
    List<Case> cases = List.of(
        new Case("{\"type\":\"answer\",\"callId\":\"o-c1\"}", CallCommand.Answer.class),
        new Case("{\"type\":\"hangup\",\"callId\":\"o-c1\"}", CallCommand.Hangup.class),
        new Case("{\"type\":\"reject\",\"callId\":\"o-c1\",\"busy\":true}", CallCommand.Reject.class),
        new Case("{\"type\":\"cancel\",\"callId\":\"o-c1\"}", CallCommand.Cancel.class),
        new Case("{\"type\":\"hold\",\"callId\":\"o-c1\"}", CallCommand.Hold.class),
        new Case("{\"type\":\"unhold\",\"callId\":\"o-c1\"}", CallCommand.Unhold.class),
        new Case("{\"type\":\"dtmf\",\"callId\":\"o-c1\",\"digits\":\"12#\"}",
            CallCommand.SendDtmf.class),
        new Case("{\"type\":\"transfer\",\"callId\":\"o-c1\",\"to\":\"sip:b@pbx\"}",
            CallCommand.Transfer.class),
        new Case("{\"type\":\"conference\",\"callId\":\"o-c1\",\"to\":\"sip:c@pbx\"}",
            CallCommand.Conference.class),
        new Case("{\"type\":\"remove-party\",\"callId\":\"o-c1\",\"party\":2}",
            CallCommand.RemoveParty.class));
    try (Client c = new Client()) {
      c.login("alice");
      c.send("{\"id\":\"p\",\"type\":\"call\",\"to\":\"+4930123\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      CallCommand.PlaceCall place = assertInstanceOf(CallCommand.PlaceCall.class,
          placed.message());
      assertEquals("alice", place.uid());
      assertEquals("+4930123", place.target());
      place.replyTo().tell(new CallReply.Accepted(placed.entityId()));
      JsonNode r = c.next();
      assertEquals(placed.entityId(), r.get("callId").asText());
      for (Case k : cases) {
        c.send(k.json().replace("{", "{\"id\":\"x\","));
        ShardingEnvelope<CallCommand> e = calls.receiveMessage();
        assertEquals("o-c1", e.entityId());
        CallCommand.ClientCommand command =
            (CallCommand.ClientCommand) assertInstanceOf(k.command(), e.message());
        assertEquals("alice", command.uid());
        command.replyTo().tell(new CallReply.Rejected("o-c1", "not now"));
        JsonNode err = c.next();
        assertEquals("rejected", err.get("code").asText(), k.json());
        assertEquals("not now", err.get("reason").asText());
      }
    }
  }

  @Test
  void aCallTheDialPlanRefusesGetsItsReasonAsTheErrorCode() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      List<String[]> refusals = List.of(
          new String[] {"forbidden-destination",
              "the dial plan of alice does not allow +19005550100@pbx.example"},
          new String[] {"too-many-calls", "alice has 2 calls going on, at most 2 are allowed"},
          new String[] {"call-rate-exceeded",
              "alice started 5 calls in the last minute, at most 5 are allowed"});
      for (String[] refusal : refusals) {
        c.send("{\"id\":\"p\",\"type\":\"call\",\"to\":\"+19005550100\"}");
        ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
        ((CallCommand.PlaceCall) placed.message()).replyTo()
            .tell(new CallReply.Rejected(placed.entityId(), refusal[0], refusal[1]));
        JsonNode err = c.next();
        assertEquals("error", err.get("type").asText(), err.toString());
        assertEquals("p", err.get("id").asText());
        assertEquals(refusal[0], err.get("code").asText());
        assertEquals(refusal[1], err.get("reason").asText());
      }
      // a transfer to a target outside the plan
      c.send("{\"id\":\"t\",\"type\":\"transfer\",\"callId\":\"o-c1\",\"to\":\"sip:x@evil\"}");
      ShardingEnvelope<CallCommand> transfer = calls.receiveMessage();
      ((CallCommand.Transfer) transfer.message()).replyTo().tell(new CallReply.Rejected("o-c1",
          "forbidden-destination", "the dial plan of alice does not allow x@evil"));
      assertEquals("forbidden-destination", c.next().get("code").asText());
    }
  }

  /** The other call asked by an attended transfer answers with {@code state} and a dialog. */
  private ShardingEnvelope<CallCommand> answerView(String uid, String state) {
    ShardingEnvelope<CallCommand> asked = calls.receiveMessage();
    CallCommand.GetCall get = assertInstanceOf(CallCommand.GetCall.class, asked.message());
    io.rtc2sip.actors.model.SipDialog dialog = new io.rtc2sip.actors.model.SipDialog(
        "b-call@pbx", "gw-tag", state.equals("Ringing") ? null : "bob-tag", "sip:alice@gw",
        "sip:bob@pbx", "sip:bob@10.0.0.7:5070", List.of(), 2, 1);
    get.replyTo().tell(new io.rtc2sip.actors.call.CallView(asked.entityId(), state,
        io.rtc2sip.actors.model.CallDirection.OUTBOUND, Party.rtc(uid), Party.sip("sip:bob@pbx"),
        new io.rtc2sip.actors.model.RtcLeg("call-" + asked.entityId(), uid), dialog, null, false,
        false, null, Instant.EPOCH, null));
    return asked;
  }

  @Test
  void anAttendedTransferNamesTheOtherCallsPartyAndDialog() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      c.send("{\"id\":\"t\",\"type\":\"transfer\",\"callId\":\"o-c1\",\"replaces\":\"o-c2\"}");
      assertEquals("o-c2", answerView("alice", "Active").entityId());
      ShardingEnvelope<CallCommand> sent = calls.receiveMessage();
      assertEquals("o-c1", sent.entityId());
      CallCommand.Transfer transfer = assertInstanceOf(CallCommand.Transfer.class,
          sent.message());
      assertEquals("sip:bob@10.0.0.7:5070", transfer.target());
      assertEquals("o-c2", transfer.replacesCall());
      // seen from bob: its tag is the to-tag
      assertEquals(new io.rtc2sip.actors.model.Replaces("b-call@pbx", "bob-tag", "gw-tag", false),
          transfer.replaces());
      transfer.replyTo().tell(new CallReply.Accepted("o-c1"));
      assertEquals("result", c.next().get("type").asText());

      // another user's call, a call not answered, the call itself, neither to nor replaces
      c.send("{\"id\":\"u\",\"type\":\"transfer\",\"callId\":\"o-c1\",\"replaces\":\"o-c3\"}");
      answerView("mallory", "Active");
      assertEquals("no-such-call", c.next().get("code").asText());
      c.send("{\"id\":\"r\",\"type\":\"transfer\",\"callId\":\"o-c1\",\"replaces\":\"o-c4\"}");
      answerView("alice", "Ringing");
      JsonNode ringing = c.next();
      assertEquals("rejected", ringing.get("code").asText());
      assertTrue(ringing.get("reason").asText().contains("only an answered call"),
          ringing.toString());
      c.send("{\"id\":\"s\",\"type\":\"transfer\",\"callId\":\"o-c1\",\"replaces\":\"o-c1\"}");
      assertEquals("rejected", c.next().get("code").asText());
      c.send("{\"id\":\"n\",\"type\":\"transfer\",\"callId\":\"o-c1\"}");
      assertEquals("bad-message", c.next().get("code").asText());
      calls.expectNoMessage(Duration.ofMillis(100));
    }
  }

  @Test
  void anSdpOfferTravelsWithCallAndAnswerAndTheAnswerComesBack() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      c.send("{\"id\":\"p\",\"type\":\"call\",\"to\":\"+4930123\",\"sdp\":\"v=0 m=audio\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      CallCommand.PlaceCall place = assertInstanceOf(CallCommand.PlaceCall.class,
          placed.message());
      assertEquals("v=0 m=audio", place.rtcOffer());
      place.replyTo().tell(new CallReply.Accepted(placed.entityId(), "v=0 answer"));
      JsonNode r = c.next();
      assertEquals("p", r.get("id").asText());
      assertEquals("v=0 answer", r.get("sdp").asText());
      assertEquals(placed.entityId(), r.get("callId").asText());

      c.send("{\"id\":\"a\",\"type\":\"answer\",\"callId\":\"i-1\",\"sdp\":\"m=audio\"}");
      CallCommand.Answer answer = assertInstanceOf(CallCommand.Answer.class,
          calls.receiveMessage().message());
      assertEquals("m=audio", answer.rtcOffer());
      answer.replyTo().tell(new CallReply.Accepted("i-1", "v=0 answer 2"));
      assertEquals("v=0 answer 2", c.next().get("sdp").asText());
    }
  }

  @Test
  void clientsLearnWhereTheirCallsAudioIsAndFollowAMove() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      c.send("{\"id\":\"p\",\"type\":\"call\",\"to\":\"+4930123\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      ((CallCommand.PlaceCall) placed.message()).replyTo()
          .tell(new CallReply.Accepted(placed.entityId(), null, "127.0.0.1:7072"));
      assertEquals("127.0.0.1:7072", c.next().get("rtc").asText());

      server.notifications().tell(new ClientNotification.IncomingCall("alice", "i-1",
          Party.sip("sip:+49@pbx"), "call-i-1", "127.0.0.1:7082"));
      assertEquals("127.0.0.1:7082", c.next().get("rtc").asText());
      server.notifications().tell(new ClientNotification.RtcMoved("alice", "i-1",
          "127.0.0.1:7092", false));
      JsonNode moved = c.next();
      assertEquals("rtc-moved", moved.get("type").asText());
      assertEquals("127.0.0.1:7092", moved.get("rtc").asText());
      assertFalse(moved.get("browser").asBoolean());

      // a browser's new offer goes to its call; the SDP answer comes back in the result
      c.send("{\"id\":\"r\",\"type\":\"reoffer\",\"callId\":\"i-1\",\"sdp\":\"v=0 m=audio again\"}");
      ShardingEnvelope<CallCommand> e = calls.receiveMessage();
      assertEquals("i-1", e.entityId());
      CallCommand.Reoffer reoffer = assertInstanceOf(CallCommand.Reoffer.class, e.message());
      assertEquals("alice", reoffer.uid());
      assertEquals("v=0 m=audio again", reoffer.rtcOffer());
      reoffer.replyTo().tell(new CallReply.Accepted("i-1", "v=0 new leg"));
      JsonNode r = c.next();
      assertEquals("r", r.get("id").asText());
      assertEquals("v=0 new leg", r.get("sdp").asText());
      c.send("{\"id\":\"r2\",\"type\":\"reoffer\",\"callId\":\"i-1\",\"sdp\":\"garbage\"}");
      assertEquals("bad-sdp", c.next().get("code").asText());
      c.send("{\"id\":\"r3\",\"type\":\"reoffer\",\"callId\":\"i-1\"}");
      assertEquals("bad-message", c.next().get("code").asText());
      calls.expectNoMessage(java.time.Duration.ofMillis(200));
    }
  }

  @Test
  void aBadSdpOfferIsRefusedBeforeAnyCallIsMade() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      c.send("{\"id\":\"1\",\"type\":\"call\",\"to\":\"+4930\",\"sdp\":\"garbage\"}");
      JsonNode e = c.next();
      assertEquals("bad-sdp", e.get("code").asText());
      assertEquals("the offer has no audio", e.get("reason").asText());
      c.send("{\"id\":\"2\",\"type\":\"answer\",\"callId\":\"i-1\",\"sdp\":\"garbage\"}");
      assertEquals("bad-sdp", c.next().get("code").asText());
      c.send("{\"id\":\"3\",\"type\":\"call\",\"to\":\"+4930\",\"sdp\":{\"v\":0}}");
      assertEquals("bad-message", c.next().get("code").asText());
      calls.expectNoMessage(java.time.Duration.ofMillis(200));
    }
  }

  @Test
  void notificationsReachTheUsersConnection() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      Map<ClientNotification, String> expected = Map.of(
          new ClientNotification.IncomingCall("alice", "i-1", Party.sip("sip:+49@pbx"), "call-i-1"),
          "incoming-call",
          new ClientNotification.Ringing("alice", "o-1", true), "ringing",
          new ClientNotification.Held("alice", "o-1", HoldSide.SIP), "held",
          new ClientNotification.DtmfReceived("alice", "o-1", "5"), "dtmf",
          new ClientNotification.Ended("alice", "o-1", EndCause.NO_ANSWER, 408), "ended",
          new ClientNotification.OfflineCallNotice("alice", "i-2", Party.sip("sip:x@y"),
              Instant.parse("2026-11-24T12:00:00Z")), "offline-call");
      for (var e : expected.entrySet()) {
        server.notifications().tell(e.getKey());
        JsonNode n = c.next();
        assertEquals(e.getValue(), n.get("type").asText());
        assertNull(n.get("id"));
        if (e.getValue().equals("ended")) {
          assertEquals("no-answer", n.get("cause").asText());
          assertEquals(408, n.get("sipStatus").asInt());
        }
      }
    }
  }

  @Test
  void onAnRtcNetworkWithTokensCallsCarryATokenForTheirChannel() throws Exception {
    rtcTokens = (channel, uid) -> "token-" + uid + "@" + channel;
    try (Client c = new Client()) {
      c.login("alice");
      c.send("{\"id\":\"1\",\"type\":\"call\",\"to\":\"+4930\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      ((CallCommand.PlaceCall) placed.message()).replyTo()
          .tell(new CallReply.Accepted(placed.entityId()));
      assertEquals("token-alice@call-" + placed.entityId(), c.next().get("rtcToken").asText());

      server.notifications().tell(new ClientNotification.IncomingCall("alice", "i-1",
          Party.sip("sip:+49@pbx"), "call-i-1"));
      assertEquals("token-alice@call-i-1", c.next().get("rtcToken").asText());

      // a fresh token for one of her calls, and none for somebody else's
      c.send("{\"id\":\"2\",\"type\":\"rtc-token\",\"callId\":\"i-1\"}");
      answerGetCall("i-1", "call-i-1", "alice");
      JsonNode fresh = c.next();
      assertEquals("result", fresh.get("type").asText(), fresh.toString());
      assertEquals("token-alice@call-i-1", fresh.get("rtcToken").asText());
      c.send("{\"id\":\"3\",\"type\":\"rtc-token\",\"callId\":\"i-9\"}");
      answerGetCall("i-9", "call-i-9", "bob");
      JsonNode refused = c.next();
      assertEquals("no-such-call", refused.get("code").asText(), refused.toString());
    }
  }

  @Test
  void theChannelOfACallIsItsOwnAndCannotBeChosen() throws Exception {
    rtcTokens = (channel, uid) -> "token-" + uid + "@" + channel;
    try (Client c = new Client()) {
      c.login("alice");
      // the channel of somebody else's call, a room, an empty one: refused before any call
      for (String channel : List.of("\"call-o-someone-elses\"", "\"room-1\"", "\"\"", "7")) {
        c.send("{\"id\":\"1\",\"type\":\"call\",\"to\":\"+4930\",\"channel\":" + channel
            + "}");
        JsonNode e = c.next();
        assertEquals("bad-message", e.get("code").asText(), e.toString());
        assertEquals("1", e.get("id").asText());
      }
      calls.expectNoMessage(Duration.ofMillis(200));
      c.send("{\"id\":\"2\",\"type\":\"call\",\"to\":\"+4930\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      CallCommand.PlaceCall place = (CallCommand.PlaceCall) placed.message();
      assertEquals(io.rtc2sip.actors.call.CallIds.rtcChannelFor(placed.entityId()),
          place.rtcChannel());
      place.replyTo().tell(new CallReply.Accepted(placed.entityId()));
      JsonNode r = c.next();
      assertEquals(place.rtcChannel(), r.get("channel").asText());
      assertEquals("token-alice@" + place.rtcChannel(), r.get("rtcToken").asText());
    }
  }

  @Test
  void aCallToATargetTheSipSideCannotParseIsRefusedAtTheEdge() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      for (String to : List.of("sip:", "sip:a b@pbx", "<sip:x@y>", "bob@pbx.example",
          "sip:x@", "+49 30 123", "sip:x@y\tz", "tel:+4930", "x".repeat(300),
          "sip:x@127.0.0.1:99999", "sip:x@127.0.0.1:0")) {
        c.send(Protocol.JSON.createObjectNode().put("id", "t").put("type", "call").put("to", to)
            .toString());
        JsonNode e = c.next();
        assertEquals("bad-target", e.get("code").asText(), to + " -> " + e);
      }
      c.send("{\"id\":\"x\",\"type\":\"transfer\",\"callId\":\"o-1\",\"to\":\"sip:a b\"}");
      assertEquals("bad-target", c.next().get("code").asText());
      c.send("{\"id\":\"y\",\"type\":\"conference\",\"callId\":\"o-1\",\"to\":\"sip:a b\"}");
      assertEquals("bad-target", c.next().get("code").asText());
      calls.expectNoMessage(Duration.ofMillis(200));
      for (String to : List.of("+4930123456", "alice", "sip:bob@pbx.example",
          "sips:carol@10.0.0.2:5061", "sip:+4930@pbx.example;user=phone", "*97")) {
        c.send(Protocol.JSON.createObjectNode().put("id", "t").put("type", "call").put("to", to)
            .toString());
        ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
        CallCommand.PlaceCall place = (CallCommand.PlaceCall) placed.message();
        assertEquals(to, place.target());
        place.replyTo().tell(new CallReply.Accepted(placed.entityId()));
        assertEquals("result", c.next().get("type").asText(), to);
      }
    }
  }

  @Test
  void aCallWhileTheJournalIsUnavailableIsRefusedAtOnceAndTakenAgainWhenItAnswers()
      throws Exception {
    io.rtc2sip.actors.journal.JournalAvailability journal =
        io.rtc2sip.actors.journal.JournalAvailability.get(KIT.system());
    try (Client c = new Client()) {
      c.login("alice");
      journal.journalFailed("test: the database went away");
      long sent = System.nanoTime();
      c.send("{\"id\":\"j\",\"type\":\"call\",\"to\":\"+4930123456\"}");
      JsonNode e = c.next();
      assertEquals("journal-unavailable", e.get("code").asText(), e.toString());
      assertEquals("j", e.get("id").asText());
      assertTrue(System.nanoTime() - sent < Duration.ofSeconds(1).toNanos(), "at once");
      c.send("{\"id\":\"h\",\"type\":\"hold\",\"callId\":\"o-1\"}");
      assertEquals("journal-unavailable", c.next().get("code").asText());
      calls.expectNoMessage(Duration.ofMillis(200));
      journal.probed(journal.probing(), true, null);
      c.send("{\"id\":\"k\",\"type\":\"call\",\"to\":\"+4930123456\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      ((CallCommand.PlaceCall) placed.message()).replyTo()
          .tell(new CallReply.Accepted(placed.entityId()));
      assertEquals("result", c.next().get("type").asText());
    } finally {
      journal.probed(journal.probing(), true, null);
    }
  }

  @Test
  void refusedLoginsAreLoggedInSummaryAndTheirUidNeverRawly() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    root.addAppender(lines);
    try (Client c = new Client()) {
      for (int i = 0; i < 60; i++) {
        c.send(Protocol.JSON.createObjectNode().put("id", "l").put("type", "login")
            .put("uid", "mallory\nFAKE LOG LINE " + i).put("token", "x").toString());
        assertEquals("bad-token", c.next().get("code").asText());
      }
    } finally {
      root.detachAppender(lines);
    }
    List<String> about = lines.list.stream().map(e -> e.getFormattedMessage())
        .filter(m -> m.contains("mallory")).toList();
    assertTrue(about.size() <= 2, "one line per 10 s, not one per login: " + about);
    assertTrue(about.stream().noneMatch(m -> m.contains("\n")), "raw control characters: " + about);
  }

  @Test
  void aStartThatFailsHalfWayLeavesNothingBehind() throws Exception {
    server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server = null;
    // the router's name still taken (as by a previous server's router still stopping)
    org.apache.pekko.actor.typed.ActorRef<Object> squatter = KIT.system().systemActorOf(
        org.apache.pekko.actor.typed.javadsl.Behaviors.ignore(), "signaling-router",
        org.apache.pekko.actor.typed.Props.empty());
    org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.pekko.actor.InvalidActorNameException.class,
        () -> SignalingServer.start(KIT.system(), settings(100, 100, Duration.ofSeconds(30)),
            EntityMessenger.envelopes(calls.ref()), EntityMessenger.envelopes(users.ref()),
            (channel, uid) -> rtcTokens.issue(channel, uid), OFFERS));
    org.apache.pekko.pattern.Patterns.gracefulStop(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(squatter), Duration.ofSeconds(10))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    // what the failed start made is gone with it: a new server starts
    start(settings(100, 100, Duration.ofSeconds(30)));
    try (Client c = new Client()) {
      c.login("alice");
    }
  }

  @Test
  void aCallIdThatCannotBeACallNeverReachesTheCalls() throws Exception {
    // call ids become persistence ids: a NUL the journal refuses would fail the entity's
    // recovery again and again (and open the journal's circuit breaker for every entity)
    try (Client c = new Client()) {
      c.login("alice");
      for (String type : List.of("hangup", "answer", "hold", "rtc-token")) {
        for (String id : List.of("o-\u0000", "o-1 2", "x-1", "o-" + "1".repeat(65))) {
          c.send(Protocol.JSON.createObjectNode().put("id", "t").put("type", type)
              .put("callId", id).toString());
          JsonNode e = c.next();
          assertEquals("no-such-call", e.get("code").asText(), type + " " + id + " -> " + e);
        }
      }
      calls.expectNoMessage(Duration.ofMillis(200));
    }
  }

  @Test
  void onTheLoopbackNetworkThereAreNoRtcTokens() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      server.notifications().tell(new ClientNotification.IncomingCall("alice", "i-1",
          Party.sip("sip:+49@pbx"), "call-i-1"));
      assertNull(c.next().get("rtcToken"));
      c.send("{\"id\":\"2\",\"type\":\"rtc-token\",\"callId\":\"i-1\"}");
      answerGetCall("i-1", "call-i-1", "alice");
      assertEquals("no-rtc-tokens", c.next().get("code").asText());
    }
  }

  /** Answers the GetCall for {@code callId} as a call of {@code uid} in {@code channel} would. */
  private void answerGetCall(String callId, String channel, String uid) {
    ShardingEnvelope<CallCommand> e = calls.receiveMessage();
    assertEquals(callId, e.entityId());
    ((CallCommand.GetCall) e.message()).replyTo().tell(new io.rtc2sip.actors.call.CallView(
        callId, "Active", io.rtc2sip.actors.model.CallDirection.INBOUND,
        Party.sip("sip:+49@pbx"), Party.rtc(uid), new io.rtc2sip.actors.model.RtcLeg(channel, uid),
        null, null, false, false, null, Instant.parse("2026-11-30T10:00:00Z"),
        "127.0.0.1:7072"));
  }

  @Test
  void aSecondLoginReplacesTheFirstConnection() throws Exception {
    try (Client first = new Client(); Client second = new Client()) {
      first.login("alice");
      second.login("alice");
      server.notifications().tell(new ClientNotification.SessionReplaced("alice",
          KIT.system().address().toString(), first.connectionId,
          "logged in again on another connection"));
      JsonNode n = first.next();
      assertEquals("session-replaced", n.get("type").asText());
      assertNull(first.in.readLine(), "the replaced connection is closed");
      server.notifications().tell(new ClientNotification.Answered("alice", "o-9"));
      assertEquals("answered", second.next().get("type").asText());
    }
  }

  @Test
  void badInputGetsErrorsAndOthersAreUnaffected() throws Exception {
    try (Client flood = new Client(); Client good = new Client()) {
      good.login("bob");
      flood.send("this is not json");
      assertEquals("bad-json", flood.next().get("code").asText());
      flood.send("{\"type\":\"teleport\"}");
      assertEquals("unknown-type", flood.next().get("code").asText());
      flood.send("{\"type\":\"call\"}");
      assertEquals("bad-message", flood.next().get("code").asText());
      flood.send("{\"type\":\"ping\",\"v\":7}");
      assertEquals("unsupported-version", flood.next().get("code").asText());
      flood.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");
      assertEquals("too-long", flood.next().get("code").asText());
      flood.send("{\"id\":\"k\",\"type\":\"ping\"}");
      assertEquals("pong", flood.next().get("type").asText());
      // thousands of bad lines: refused, then the connection is closed
      StringBuilder junk = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        junk.append("{bad ").append(i).append('\n');
      }
      try {
        flood.out.write(junk.toString().getBytes(StandardCharsets.UTF_8));
      } catch (java.io.IOException closedWhileWriting) {
        // the server closed the connection: that is the expected end
      }
      int errors = 0;
      try {
        String line;
        while ((line = flood.in.readLine()) != null) {
          assertTrue(line.contains("\"type\":\"error\""), line);
          errors++;
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // closed
      }
      // 5 refused above and 95 here: the connection closes at its 100th refusal
      assertEquals(95, errors, "errors before the close");
      // the other user goes on
      good.send("{\"id\":\"c\",\"type\":\"call\",\"to\":\"+4930\"}");
      ShardingEnvelope<CallCommand> placed = calls.receiveMessage();
      ((CallCommand.PlaceCall) placed.message()).replyTo()
          .tell(new CallReply.Accepted(placed.entityId()));
      assertEquals("result", good.next().get("type").asText());
    }
  }

  private long refused(String reason) {
    return server.counters().refused().getOrDefault(reason, 0L);
  }

  /** Reads until the server closes the connection; the lines it sent before. */
  private static List<JsonNode> untilClosed(Client c) throws Exception {
    List<JsonNode> lines = new java.util.ArrayList<>();
    String line;
    while ((line = c.in.readLine()) != null) {
      lines.add(Protocol.JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void connectionsAreCappedPerAddressAndInTotal() throws Exception {
    start(settings(4, 2, Duration.ofSeconds(30)));
    try (Client a1 = new Client("127.0.0.1"); Client a2 = new Client("127.0.0.1");
        Client a3 = new Client("127.0.0.1")) {
      List<JsonNode> refusal = untilClosed(a3);
      assertEquals("too-many-connections", refusal.get(0).get("code").asText(),
          refusal.toString());
      try (Client b1 = new Client("127.0.0.2"); Client b2 = new Client("127.0.0.2");
          Client c1 = new Client("127.0.0.3")) {
        assertEquals("too-many-connections", untilClosed(c1).get(0).get("code").asText());
        a1.login("alice");
        b2.login("bob");
        assertEquals(2, refused("too-many-connections"));
        assertEquals(4, server.counters().openConnections());
      }
      until(Duration.ofSeconds(5), () -> server.counters().openConnections() == 2,
          "the closed connections give their slots back");
      assertInstanceOf(UserCommand.ConnectionLost.class, users.receiveMessage().message());
      try (Client c2 = new Client("127.0.0.3")) {
        c2.login("carol");
      }
    }
  }

  @Test
  void aConnectionThatDoesNotLogInInTimeIsClosedPingOrNot() throws Exception {
    start(settings(100, 100, Duration.ofMillis(1500)));
    try (Client idle = new Client(); Client good = new Client()) {
      good.login("alice");
      long start = System.nanoTime();
      idle.socket.setSoTimeout(200);
      JsonNode last = null;
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
        try {
          idle.send("{\"id\":\"p\",\"type\":\"ping\"}");
          Thread.sleep(300); // pacing: a client pinging every 300 ms, well within the rate
        } catch (java.io.IOException closed) {
          break;
        }
        try {
          String line = idle.in.readLine();
          if (line == null) {
            break;
          }
          last = Protocol.JSON.readTree(line);
        } catch (SocketTimeoutException | java.net.SocketException e) {
          // nothing yet, or closed
        }
      }
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(took < 4000, "closed after " + took + " ms");
      assertEquals("login-timeout", last.get("code").asText(), last.toString());
      assertEquals(1, refused("login-timeout"));
      good.send("{\"id\":\"k\",\"type\":\"ping\"}");
      assertEquals("pong", good.next().get("type").asText(), "a logged-in connection stays");
    }
  }

  @Test
  void refusalsCountOverTheConnectionsLifeNotOnlyInARow() throws Exception {
    try (Client c = new Client()) {
      c.login("alice");
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 40; i++) {
          c.send("{bad");
          assertEquals("error", c.next().get("type").asText());
        }
        c.send("{\"id\":\"k\",\"type\":\"ping\"}");
        assertEquals("pong", c.next().get("type").asText());
      }
      // 80 refused with good messages between them, then 30 more: closed at the 100th
      for (int i = 0; i < 30; i++) {
        c.send("{bad");
      }
      List<JsonNode> rest = untilClosed(c);
      assertEquals(20, rest.size(), rest.toString());
    } catch (java.net.SocketException closedWhileWriting) {
      // the server closed the connection at the 100th: the expected end
    }
    assertEquals(1, refused("too-many-refused"));
    // some of them may have been refused as rate-limited rather than bad-json: both count
    assertEquals(100, refused("bad-json") + refused("rate-limited"));
  }

  @Test
  void aLoginThatCompletesAfterItsConnectionClosedIsUndone() throws Exception {
    String connectionId;
    UserCommand.Login login;
    try (Client c = new Client()) {
      c.send("{\"id\":\"l\",\"type\":\"login\",\"uid\":\"dora\",\"token\":\""
          + TOKENS.issue("dora", Duration.ofMinutes(5)) + "\"}");
      login = assertInstanceOf(UserCommand.Login.class, users.receiveMessage().message());
      connectionId = login.connectionId();
    }
    until(Duration.ofSeconds(5), () -> server.counters().openConnections() == 0,
        "the server saw the close");
    login.replyTo().tell(new UserReply.Accepted("dora"));
    ShardingEnvelope<UserCommand> lost = users.receiveMessage();
    assertEquals("dora", lost.entityId());
    assertEquals(new UserCommand.ConnectionLost(connectionId), lost.message());
  }

  /** Opens a WebSocket to {@code /signaling} with {@code origin} (none when null). */
  private static CompletableFuture<WebSocket> websocket(int port, String origin,
      LinkedBlockingQueue<String> received) {
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
    if (origin != null) {
      b.header("Origin", origin);
    }
    return b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/signaling"),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
            received.add(data.toString());
            s.request(1);
            return CompletableFuture.completedFuture(null);
          }
        });
  }

  private ServerBinding bindWebSocket() throws Exception {
    return Http.get(KIT.system()).newServerAt("127.0.0.1", 0)
        .adaptSettings(st -> st.withRemoteAddressAttribute(true))
        .bind(server.websocketRoute()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWebSocketFromAForeignOriginIsRefused() throws Exception {
    ServerBinding http = bindWebSocket();
    int port = http.localAddress().getPort();
    try {
      var refused = websocket(port, "https://evil.example", new LinkedBlockingQueue<>());
      var e = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
      var handshake = assertInstanceOf(java.net.http.WebSocketHandshakeException.class,
          e.getCause());
      assertEquals(403, handshake.getResponse().statusCode());
      assertEquals(1, refused("origin"));
      // a plain GET is no WebSocket: refused, and it takes no connection slot
      assertEquals(400, HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/signaling")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(0, server.counters().openConnections());
      for (String origin : new String[] {null, "https://app.example.com",
          "http://127.0.0.1:" + port, "http://localhost:9999"}) {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = websocket(port, origin, received).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"id\":\"k\",\"type\":\"ping\"}", true).get();
        assertEquals("pong", Protocol.JSON.readTree(received.poll(5, TimeUnit.SECONDS))
            .get("type").asText(), String.valueOf(origin));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get();
      }
      assertEquals(1, refused("origin"));
    } finally {
      http.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anOversizedWebSocketMessageIsRefusedWhileItStreams() throws Exception {
    ServerBinding http = bindWebSocket();
    try {
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket ws = websocket(http.localAddress().getPort(), null, received)
          .get(10, TimeUnit.SECONDS);
      // the message is sent in parts and never finished: refused once past max-line (1024)
      ws.sendText("{\"type\":\"ping\",\"pad\":\"", false).get();
      for (int i = 0; i < 3; i++) {
        ws.sendText("x".repeat(500), false).get();
      }
      JsonNode e = Protocol.JSON.readTree(received.poll(5, TimeUnit.SECONDS));
      assertEquals("too-long", e.get("code").asText(), e.toString());
      ws.sendText("x".repeat(50_000), false).get();
      ws.sendText("\"}", true).get();
      ws.sendText("{\"id\":\"k\",\"type\":\"ping\"}", true).get();
      JsonNode next = Protocol.JSON.readTree(received.poll(5, TimeUnit.SECONDS));
      assertEquals("pong", next.get("type").asText(), "the connection goes on: " + next);
      assertEquals(1, refused("too-long"));
    } finally {
      http.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theSameMessagesWorkOverWebSocket() throws Exception {
    ServerBinding http = Http.get(KIT.system()).newServerAt("127.0.0.1", 0)
        .bind(server.websocketRoute()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + http.localAddress().getPort()
              + "/signaling"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                  received.add(data.toString());
                  s.request(1);
                  return CompletableFuture.completedFuture(null);
                }
              }).get(10, TimeUnit.SECONDS);
      ws.sendText("{\"id\":\"w\",\"type\":\"login\",\"uid\":\"carol\",\"token\":\""
          + TOKENS.issue("carol", Duration.ofMinutes(1)) + "\"}", true).get();
      UserCommand.Login login = (UserCommand.Login) users.receiveMessage().message();
      login.replyTo().tell(new UserReply.Accepted("carol"));
      JsonNode r = Protocol.JSON.readTree(received.poll(5, TimeUnit.SECONDS));
      assertEquals("result", r.get("type").asText());
      server.notifications().tell(new ClientNotification.Answered("carol", "o-7"));
      JsonNode n = Protocol.JSON.readTree(received.poll(5, TimeUnit.SECONDS));
      assertEquals("answered", n.get("type").asText());
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get();
      ShardingEnvelope<UserCommand> lost = users.receiveMessage();
      assertInstanceOf(UserCommand.ConnectionLost.class, lost.message());
    } finally {
      http.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
