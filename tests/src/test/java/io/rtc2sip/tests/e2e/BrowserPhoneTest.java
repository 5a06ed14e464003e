package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.codec.testing.ToneMeter;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.ClusterCalls;
import io.rtc2sip.tests.support.Baresip;
import io.rtc2sip.tests.support.CallStates;
import io.rtc2sip.tests.support.LoopbackCapture;
import io.rtc2sip.tests.support.LoopbackCapture.Datagram;
import io.rtc2sip.tests.support.PhonePage;
import io.rtc2sip.tests.support.TestNode;
import io.rtc2sip.webrtc.testing.Chromium;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The phone page (/phone) in real headless Chromium against a real node and real SIP phones:
 * the page's fake microphone plays 1 kHz, sipp's uas_answer plays 400 Hz, baresip 600 Hz.
 * What sipp received is read off the loopback interface (tcpdump): sipp does not decode audio.
 */
class BrowserPhoneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Tokens TOKENS =
      new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.systemUTC());
  private static final Duration WAIT = PhonePage.WAIT;
  @TempDir static Path dir;
  private static TestNode node;
  private static Path microphone;
  private static Chromium browser;

  @BeforeAll
  static void start() throws Exception {
    // a leg that never connects (badOffersGetErrorsAndMakeNoCall) fails after connect-timeout:
    // 4 s instead of 8 s; the page's legs here connect within a second
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of(
        "rtc2sip.webrtc.connect-timeout", "4s"));
    microphone = Chromium.toneWav(dir.resolve("mic-1k.wav"), 1000, 48000, 60);
    browser = Chromium.start(microphone);
  }

  @AfterEach
  void leavePage() {
    browser.open("about:blank"); // hangs up whatever the page still had
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private static CallView view(String callId) {
    return new ClusterCalls(node.sharding()).view(callId);
  }

  @Test
  void thePageCallsAPhoneWithTonesBothWaysDigitsHoldAndHangup() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 120000);
        LoopbackCapture capture = LoopbackCapture.start(Path.of("target", "captures", "page-to-sipp.pcap"),
            "port " + uas.port + " or portrange " + node.rtpMin + "-" + (node.rtpMin + 39))) {
      PhonePage page = new PhonePage(browser, node.httpPort).login("paula");
      page.call("sip:uas@127.0.0.1:" + uas.port);
      page.awaitState("active");
      browser.await("the page's media connected", WAIT,
          () -> "connected".equals(page.get("pcState")));
      // the page hears sipp's 400 Hz
      page.awaitHearing(400);
      // sipp gets the page's 1 kHz: two seconds of it on the wire
      int sippMedia = capture.await("sipp's answer", WAIT, d -> sippMediaPort(d, uas.port) > 0)
          .stream().mapToInt(x -> sippMediaPort(List.of(x), uas.port)).max().orElseThrow();
      List<Datagram> toSipp = capture.await("2 s of RTP to sipp", WAIT,
          d -> rtpTo(d, sippMedia).size() >= 100);
      short[] heard = LoopbackCapture.g711Audio(rtpTo(toSipp, sippMedia), 8);
      double share = ToneMeter.share(ToneMeter.loudest(heard, 160, 50), 1000, 8000);
      assertTrue(share > 0.8, "1 kHz share of the RTP sipp got: " + share);

      // digits from the keypad: RFC 4733 events to sipp
      page.press("123");
      capture.await("digits 123 as RFC 4733 events", WAIT,
          d -> LoopbackCapture.rfc4733Digits(rtpTo(d, sippMedia), 101).equals("123"));

      // hold and resume: re-INVITEs with sendonly, then sendrecv; sipp mirrors them
      page.click("hold");
      browser.await("held by the page", WAIT, () -> Boolean.TRUE.equals(page.get("held")));
      List<Datagram> held = capture.await("a sendonly re-INVITE answered recvonly", WAIT,
          d -> sdpSeen(d, uas.port, true, "a=sendonly") && sdpSeen(d, uas.port, false,
              "a=recvonly"));
      page.click("hold");
      browser.await("resumed", WAIT, () -> Boolean.FALSE.equals(page.get("held")));
      capture.await("a sendrecv re-INVITE", WAIT, d -> reinvites(d, uas.port).stream()
          .anyMatch(i -> i.contains("a=sendrecv")) && d.size() > held.size());

      // hang up on the page: sipp gets its BYE, the media ends
      page.click("hangup");
      page.awaitState("ended");
      assertEquals(0, uas.await(20), uas.where());
      assertEquals(Protocol.LOCAL_HANGUP, page.get("endCause"), page.describe());
      assertTrue(page.text("end-cause").length() > 0, page.describe());
      browser.await("the page's media closed", WAIT,
          () -> !"connected".equals(page.get("pcState")));
      assertTrue(sipBye(capture.stop(), uas.port), "sipp got a BYE");
    }
  }

  @Test
  void whenThePhoneHangsUpThePageCallEnds() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer_then_bye", 3000)) {
      PhonePage page = new PhonePage(browser, node.httpPort).login("quinn");
      page.call("sip:uas@127.0.0.1:" + uas.port);
      page.awaitState("active");
      page.awaitHearing(400);
      page.awaitState("ended");
      assertEquals(Protocol.REMOTE_HANGUP, page.get("endCause"), page.describe());
      browser.await("the page's media closed", WAIT,
          () -> !"connected".equals(page.get("pcState")));
      assertEquals(0, uas.await(20), uas.where());
    }
  }

  @Test
  void aPhoneCallsThePageWhichAnswersAndTonesAndDigitsFlowBothWays() throws Exception {
    Path tone = dir.resolve("tone-600.wav");
    Tones.writeWav8k(tone, 600, 20);
    try (Baresip phone = Baresip.start(Path.of("target", "baresip-page").toAbsolutePath(),
        tone)) {
      PhonePage page = new PhonePage(browser, node.httpPort).login("rosa");
      phone.command("/dial sip:rosa@127.0.0.1:" + node.sipPort);
      page.awaitState("incoming");
      assertTrue(page.element("incoming").isDisplayed(), page.describe());
      assertTrue(page.text("incoming-from").contains("127.0.0.1"), page.text("incoming-from"));
      var rtpSent = NodeMetrics.get(node.node.system()).media().rtpSent;
      double sentBefore = rtpSent.get();
      page.click("answer");
      page.awaitState("active");
      page.awaitHearing(600);
      // three seconds of the page's voice on their way to the phone (RTP every 20 ms)
      browser.await("3 s of RTP to baresip", WAIT, () -> rtpSent.get() >= sentBefore + 150);
      page.press("5");
      String log = phone.awaitLog("received event: '5'", WAIT);
      assertTrue(log.contains("received event: '5'"), "baresip got DTMF 5: " + phone.dir);
      // and the phone's keypad reaches the page (RFC 4733 from baresip, a dtmf notification)
      phone.command("/sndcode 7");
      browser.await("the page shows the phone's 7", WAIT,
          () -> "7".equals(page.get("dtmfReceived")));
      page.click("hangup");
      page.awaitState("ended");
      // baresip completes its recording once it has taken the BYE
      short[] heardByPhone = Tones.awaitRecording(phone, 16000, WAIT);
      assertTrue(heardByPhone.length >= 16000, "baresip recorded " + heardByPhone.length
          + " samples: " + phone.dir);
      double share = ToneMeter.share(ToneMeter.loudest(heardByPhone, 160, 50), 1000, 8000);
      assertTrue(share > 0.5, "1 kHz from the page at baresip: " + share);
    }
  }

  @Test
  void aBrowserThatGoesAwayEndsItsCallWithinTenSeconds() throws Exception {
    try (Sipp uas = Sipp.uas("uas_answer", 120000);
        Chromium other = Chromium.start(microphone)) {
      PhonePage page = new PhonePage(other, node.httpPort).login("sam");
      page.call("sip:uas@127.0.0.1:" + uas.port);
      page.awaitState("active");
      page.awaitHearing(400);
      String callId = (String) page.get("callId");
      long gone = System.nanoTime();
      other.close(); // the browser process ends: no hangup, no goodbye on the signaling
      assertEquals(0, uas.await(20), uas.where());
      long millis = (System.nanoTime() - gone) / 1_000_000;
      assertTrue(millis <= 10_000, "the phone got its BYE " + millis + " ms after the browser"
          + " went away");
      CallView ended = CallStates.await(BrowserPhoneTest::view, callId, "Ended", WAIT);
      assertEquals(EndCause.RTC_PEER_LEFT, ended.endCause());
    }
  }

  @Test
  void badOffersGetErrorsAndMakeNoCall() throws Exception {
    try (SignalingSocket ws = SignalingSocket.login("tara")) {
      JsonNode garbage = ws.request("{\"type\":\"call\",\"to\":\"+4930\",\"sdp\":\"garbage\"}");
      assertEquals("bad-sdp", garbage.get("code").asText(), garbage.toString());
      String noFingerprint = chromiumOffer().replaceAll("a=fingerprint:[^\r\n]*\r\n", "");
      JsonNode refused = ws.request("{\"type\":\"call\",\"to\":\"+4930\",\"sdp\":"
          + JSON.writeValueAsString(noFingerprint) + "}");
      assertEquals("bad-sdp", refused.get("code").asText());
      assertEquals("the offer has no DTLS fingerprint (a=fingerprint)",
          refused.get("reason").asText());
      String noAudio = chromiumOffer().replace("m=audio 9", "m=video 9");
      assertEquals("bad-sdp", ws.request("{\"type\":\"call\",\"to\":\"+4930\",\"sdp\":"
          + JSON.writeValueAsString(noAudio) + "}").get("code").asText());
      JsonNode calls = ws.request("{\"type\":\"calls\"}");
      assertEquals(0, calls.get("calls").size(), "no call was made: " + calls);
      // the node goes on: the same connection places a good call
      try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
        JsonNode placed = ws.request("{\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + uas.port
            + "\",\"sdp\":" + JSON.writeValueAsString(chromiumOffer()) + "}");
        assertEquals("result", placed.get("type").asText(), placed.toString());
        assertTrue(placed.get("sdp").asText().contains("a=ice-lite"), placed.toString());
        // nobody runs ICE with that answer: the leg fails and the call ends, the phone gets
        // its BYE
        JsonNode ended = ws.await("ended", Duration.ofSeconds(15));
        assertEquals("rtc-media-failed", ended.get("cause").asText(), ended.toString());
        assertEquals(0, uas.await(20), uas.where());
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The cause names of docs/signaling.md the page shows in window.phone.endCause. */
  private static final class Protocol {
    static final String REMOTE_HANGUP = "remote-hangup";
    static final String LOCAL_HANGUP = "local-hangup";
  }

  private static String chromiumOffer() throws Exception {
    try (InputStream in = BrowserPhoneTest.class.getResourceAsStream(
        "/sdp/chromium-156-audio.sdp")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static final Pattern MEDIA_PORT = Pattern.compile("m=audio (\\d+) ");

  /** The RTP port sipp's 200 OK announced, or 0 before it came. */
  private static int sippMediaPort(List<Datagram> datagrams, int sippPort) {
    for (Datagram d : datagrams) {
      String t = d.text();
      if (d.sourcePort() == sippPort && t.startsWith("SIP/2.0 200") && t.contains("CSeq: 1 INVITE")) {
        Matcher m = MEDIA_PORT.matcher(t);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
    }
    return 0;
  }

  private static List<Datagram> rtpTo(List<Datagram> datagrams, int port) {
    return datagrams.stream().filter(d -> d.destinationPort() == port
        && d.payload().length > 12 && (d.payload()[0] & 0xC0) == 0x80).toList();
  }

  private static List<String> reinvites(List<Datagram> datagrams, int sippPort) {
    return datagrams.stream().filter(d -> d.destinationPort() == sippPort)
        .map(Datagram::text).filter(t -> t.startsWith("INVITE ") && !t.contains("CSeq: 1 "))
        .toList();
  }

  /** Whether an INVITE to sipp ({@code ours}) or a 200 from it carried {@code line}. */
  private static boolean sdpSeen(List<Datagram> datagrams, int sippPort, boolean ours,
      String line) {
    return datagrams.stream().anyMatch(d -> ours
        ? d.destinationPort() == sippPort && d.text().startsWith("INVITE ")
            && d.text().contains(line)
        : d.sourcePort() == sippPort && d.text().startsWith("SIP/2.0 200")
            && d.text().contains("INVITE") && d.text().contains(line));
  }

  private static boolean sipBye(List<Datagram> datagrams, int sippPort) {
    return datagrams.stream().anyMatch(d -> d.destinationPort() == sippPort
        && d.text().startsWith("BYE "));
  }


  /** A client on the WebSocket signaling of the node. */
  private static final class SignalingSocket implements WebSocket.Listener, AutoCloseable {
    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private int ids;

    static SignalingSocket login(String uid) throws Exception {
      SignalingSocket s = new SignalingSocket();
      s.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort + "/signaling"), s)
          .get(10, TimeUnit.SECONDS);
      JsonNode r = s.request("{\"type\":\"login\",\"uid\":\"" + uid + "\",\"token\":\""
          + TOKENS.issue(uid, Duration.ofMinutes(5)) + "\"}");
      assertEquals("result", r.get("type").asText(), r.toString());
      return s;
    }

    JsonNode request(String json) throws Exception {
      String id = "w" + (++ids);
      socket.sendText(json.replaceFirst("\\{", "{\"id\":\"" + id + "\","), true)
          .get(10, TimeUnit.SECONDS);
      return awaitMatching(n -> id.equals(n.path("id").asText()), WAIT);
    }

    JsonNode await(String type, Duration timeout) throws Exception {
      return awaitMatching(n -> type.equals(n.path("type").asText()), timeout);
    }

    private JsonNode awaitMatching(java.util.function.Predicate<JsonNode> match,
        Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        JsonNode n = received.poll(Math.max(1, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
        if (n == null) {
          throw new AssertionError("no matching message within " + timeout);
        }
        if (match.test(n)) {
          return n;
        }
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received.add(JSON.readTree(partial.toString()));
        } catch (java.io.IOException e) {
          throw new IllegalStateException("not JSON: " + partial, e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }
}
