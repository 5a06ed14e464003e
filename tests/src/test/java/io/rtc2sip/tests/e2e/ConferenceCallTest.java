package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.rtc.loopback.LoopbackRtcClient;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.LoopbackCapture;
import io.rtc2sip.tests.support.TestNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conference of the RTC user (600 Hz) and two SIP parties, real sipp UASes streaming 400 Hz
 * (the call's own party) and 800 Hz (the party added with {@code conference}). What each SIP party
 * receives is read off the loopback wire: each hears the other two and not itself, and so does
 * the user; the added party is removed (BYE) and the others go on hearing each other.
 */
class ConferenceCallTest {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** The last second of A-law audio in {@code datagrams} sent after {@code afterMicros}. */
  private static short[] lastSecond(List<LoopbackCapture.Datagram> datagrams, long afterMicros) {
    short[] pcm = LoopbackCapture.g711Audio(datagrams.stream()
        .filter(d -> d.micros() > afterMicros).toList(), 8);
    assertTrue(pcm.length >= 8000, "a second of audio captured: " + pcm.length + " samples");
    return Tones.upsample6(java.util.Arrays.copyOfRange(pcm, pcm.length - 8000, pcm.length));
  }

  private static void hears(String who, short[] audio, double[] present, double absent) {
    for (double hz : present) {
      double share = Tones.share(audio, hz);
      assertTrue(share > 0.15, who + " hears " + hz + " Hz: share " + share);
    }
    double own = Tones.share(audio, absent);
    assertTrue(own < 0.03, who + " must not hear " + absent + " Hz: share " + own);
  }

  /** A sipp UAS like uas_answer streaming 800 Hz instead of 400 Hz. */
  private static String uas800() throws Exception {
    return Sipp.variant("uas_answer", "uas_answer_800hz", s -> s.replace("tone_400hz",
        "tone_800hz"));
  }

  /** {@code user} calls {@code own}, which answers; the reply to the call request. */
  private static JsonNode placeTo(SignalingCallsTest.Phone user, Sipp own) throws Exception {
    JsonNode placed = user.request("{\"type\":\"call\",\"to\":\"sip:own@127.0.0.1:"
        + own.port + "\"}");
    user.await("answered", own);
    return placed;
  }

  /** The audio of the call {@code placed} or offered (its channel), as user {@code uid}. */
  private static LoopbackRtcClient audioOf(JsonNode placed, String uid) throws Exception {
    return LoopbackRtcClient.join(new InetSocketAddress("127.0.0.1", node.rtcPort),
        placed.get("channel").asText(), uid);
  }

  /** {@code user} adds {@code to} to its call {@code callId}. */
  private static void conference(SignalingCallsTest.Phone user, String callId, String to)
      throws Exception {
    user.request("{\"type\":\"conference\",\"callId\":\"" + callId + "\",\"to\":\"" + to
        + "\"}");
  }

  private static long nowMicros() {
    return System.currentTimeMillis() * 1000;
  }

  @Test
  void eachPartyHearsTheOthersAndNotItselfAndARemovedPartyIsGone() throws Exception {
    try (SignalingCallsTest.Phone carol = new SignalingCallsTest.Phone("carol",
            node.signalingPort);
        Sipp own = Sipp.uas("uas_answer", 60000);
        Sipp added = Sipp.uas(uas800(), 60000);
        LoopbackCapture toOwn = LoopbackCapture.start(dir.resolve("to-own.pcap"),
            "dst port " + own.mediaPort);
        LoopbackCapture toAdded = LoopbackCapture.start(dir.resolve("to-added.pcap"),
            "dst port " + added.mediaPort)) {
      JsonNode placed = placeTo(carol, own);
      String callId = placed.get("callId").asText();
      AtomicBoolean talking = new AtomicBoolean(true);
      try (LoopbackRtcClient audio = audioOf(placed, "carol")) {
        Thread speaker = Tones.play(audio, 600, talking);
        conference(carol, callId, "sip:added@127.0.0.1:" + added.port);
        assertEquals(2, carol.await("party-invited", added).get("party").asInt());
        carol.await("party-joined", added);
        long joined = nowMicros();

        audio.discardReceived(); // from before the party joined
        Tones.collect(audio, 30); // what was under way
        hears("the RTC user", Tones.collect(audio, 100), new double[] {400, 800}, 600);
        toOwn.await("a second at the call's own party", Duration.ofSeconds(10),
            d -> LoopbackCapture.g711Audio(d.stream().filter(x -> x.micros() > joined + 500_000)
                .toList(), 8).length >= 8000);
        toAdded.await("a second at the added party", Duration.ofSeconds(10),
            d -> LoopbackCapture.g711Audio(d.stream().filter(x -> x.micros() > joined + 500_000)
                .toList(), 8).length >= 8000);
        hears("the call's own party", lastSecond(toOwn.sofar(), joined + 500_000),
            new double[] {600, 800}, 400);
        hears("the added party", lastSecond(toAdded.sofar(), joined + 500_000),
            new double[] {600, 400}, 800);

        carol.request("{\"type\":\"remove-party\",\"callId\":\"" + callId + "\",\"party\":2}");
        JsonNode left = carol.await("party-left", added);
        assertEquals(2, left.get("party").asInt());
        long removed = nowMicros();
        added.assertByeAnswered();

        audio.discardReceived();
        Tones.collect(audio, 30);
        hears("the RTC user after the removal", Tones.collect(audio, 100), new double[] {400},
            800);
        toOwn.await("a second at the call's own party after the removal",
            Duration.ofSeconds(10), d -> LoopbackCapture.g711Audio(d.stream()
                .filter(x -> x.micros() > removed + 500_000).toList(), 8).length >= 8000);
        hears("the call's own party after the removal",
            lastSecond(toOwn.sofar(), removed + 500_000), new double[] {600}, 800);
        talking.set(false);
        speaker.join();
      }
      carol.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      carol.await("ended", own);
      own.assertByeAnswered();
    }
  }

  @Test
  void anotherUserOfTheGatewayJoinsByItsSipAddressAndHearsTheOthers() throws Exception {
    // the party is dialled like any SIP party; the SIP platform (here: the gateway itself)
    // rings the user's app, which answers: an RTC user in the conference
    try (SignalingCallsTest.Phone erin = new SignalingCallsTest.Phone("erin",
            node.signalingPort);
        SignalingCallsTest.Phone dave = new SignalingCallsTest.Phone("dave",
            node.signalingPort);
        Sipp own = Sipp.uas("uas_answer", 60000)) {
      JsonNode placed = placeTo(erin, own);
      String callId = placed.get("callId").asText();
      AtomicBoolean talking = new AtomicBoolean(true);
      try (LoopbackRtcClient erinAudio = audioOf(placed, "erin")) {
        Thread erinSpeaks = Tones.play(erinAudio, 600, talking);
        conference(erin, callId, "sip:dave@127.0.0.1:" + node.sipPort);
        JsonNode incoming = dave.await("incoming-call");
        try (LoopbackRtcClient daveAudio = audioOf(incoming, "dave")) {
          Thread daveSpeaks = Tones.play(daveAudio, 1000, talking);
          dave.request("{\"type\":\"answer\",\"callId\":\""
              + incoming.get("callId").asText() + "\"}");
          erin.await("party-joined", own);
          erinAudio.discardReceived();
          daveAudio.discardReceived();
          Tones.collect(erinAudio, 30);
          Tones.collect(daveAudio, 30);
          hears("the user who called", Tones.collect(erinAudio, 100),
              new double[] {400, 1000}, 600);
          hears("the user added", Tones.collect(daveAudio, 100), new double[] {400, 600},
              1000);
          talking.set(false);
          daveSpeaks.join();
          erinSpeaks.join();
        }
        erin.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
        erin.await("ended", own);
        dave.await("ended");
      }
      own.assertByeAnswered();
    }
  }

  @Test
  void whenTheCallsOwnPartyHangsUpTheAddedPartyGoesOnAndTheUserStillEndsIt() throws Exception {
    try (SignalingCallsTest.Phone fay = new SignalingCallsTest.Phone("fay", node.signalingPort);
        Sipp own = Sipp.uas("uas_answer_then_bye", 3000);
        Sipp added = Sipp.uas(uas800(), 60000);
        LoopbackCapture toAdded = LoopbackCapture.start(dir.resolve("to-added-2.pcap"),
            "dst port " + added.mediaPort)) {
      JsonNode placed = placeTo(fay, own);
      String callId = placed.get("callId").asText();
      AtomicBoolean talking = new AtomicBoolean(true);
      try (LoopbackRtcClient audio = audioOf(placed, "fay")) {
        Thread speaker = Tones.play(audio, 600, talking);
        conference(fay, callId, "sip:added@127.0.0.1:" + added.port);
        fay.await("party-joined", added);
        // the call's own party (number 1) hangs up by itself: the added party takes its place
        JsonNode left = fay.await("party-left", own);
        assertEquals(1, left.get("party").asInt());
        long gone = nowMicros();
        assertEquals(0, own.await(30), own.where());

        audio.discardReceived();
        Tones.collect(audio, 30);
        hears("the user after its first party left", Tones.collect(audio, 100),
            new double[] {800}, 400);
        toAdded.await("a second at the added party", Duration.ofSeconds(10),
            d -> LoopbackCapture.g711Audio(d.stream().filter(x -> x.micros() > gone + 500_000)
                .toList(), 8).length >= 8000);
        hears("the added party after the first left", lastSecond(toAdded.sofar(),
            gone + 500_000), new double[] {600}, 400);
        talking.set(false);
        speaker.join();
      }
      // the call's dialog is now the added party's: the hangup's BYE goes to it
      fay.request("{\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      fay.await("ended", added);
      added.assertByeAnswered();
    }
  }
}
