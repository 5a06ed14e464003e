package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtc2sip.client.ClientMain;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.Baresip;
import io.rtc2sip.tests.support.ClusterClient;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.NodeProcess;
import io.rtc2sip.tests.support.PhonePage;
import io.rtc2sip.webrtc.testing.Chromium;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTC side follows a call to another node: two gateway node processes on one journal (and a
 * third cluster member that only keeps a majority), the client CLI with a list of both signaling
 * servers playing 1 kHz and recording, baresip as the SIP far end playing 600 Hz. The node that
 * runs the call is SIGKILLed: the call recovers on the survivor, and the client (told by {@code
 * rtc-moved}, or by {@code calls} after reconnecting when its signaling node died too) joins the
 * call's channel there; the tones must flow both ways again. A browser (the phone page in
 * headless Chromium, 1 kHz microphone) whose call's node dies offers again to the survivor
 * ({@code reoffer}) and hears the far end there. Failover takes seconds: the waits are generous
 * and nothing depends on speed.
 */
class RtcFollowsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SBR_STABLE_AFTER = "2s";
  private static final Duration WAIT = PhonePage.WAIT;
  @TempDir Path dir;

  // The client whose call's node dies while its own connection lives (rtc-moved) is covered
  // with sipp far ends and measured gaps by failover.CallsSurviveNodeFailureTest; here the
  // other shape, with baresip.
  @Test
  void theClientReconnectsAndRejoinsWhenItsSignalingNodeAndCallDie() throws Exception {
    run(true);
  }

  /** Two gateway nodes on one journal, baresip playing {@code farTone}, a majority member. */
  private interface ClusterBody {
    void run(NodeProcess a, NodeProcess b, Map<String, String> envA, Map<String, String> envB,
        Baresip phone) throws Exception;
  }

  private void withCluster(String name, Path farTone, ClusterBody body) throws Exception {
    Path logs = Path.of("target", "node-logs", "rtc-follows-" + name);
    int portA = FreePorts.next();
    String seed = "pekko://rtc2sip@127.0.0.1:" + portA;
    Map<String, String> envA = env("a", portA, seed);
    Map<String, String> envB = env("b", FreePorts.next(), seed);
    String urls = "ws://127.0.0.1:" + envA.get("RTC2SIP_HTTP_PORT") + "/signaling,ws://127.0.0.1:"
        + envB.get("RTC2SIP_HTTP_PORT") + "/signaling";
    envA.put("RTC2SIP_SIGNALING_PUBLIC_URLS", urls);
    envB.put("RTC2SIP_SIGNALING_PUBLIC_URLS", urls);
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("db"), 0)) {
      envA.put("RTC2SIP_DB_URL", db.jdbcUrl());
      envB.put("RTC2SIP_DB_URL", db.jdbcUrl());
      try (NodeProcess a = NodeProcess.start("node-a", "io.rtc2sip.app.Main", envA, logs);
          NodeProcess b = NodeProcess.start("node-b", "io.rtc2sip.app.Main", envB, logs);
          Baresip phone = Baresip.start(farTone.getParent(), farTone)) {
        a.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        b.awaitLine(l -> l.contains("rtc2sip node up"), Duration.ofSeconds(120));
        try (ClusterClient majority = ClusterClient.join(seed, FreePorts.next(),
            Map.of("rtc2sip.cluster.sbr-stable-after", SBR_STABLE_AFTER))) {
          majority.awaitMembersUp(3, Duration.ofSeconds(60));
          body.run(a, b, envA, envB, phone);
        }
      }
    }
  }

  /** The far end's tone file, in baresip's directory. */
  private Path farTone() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("phone"));
    Path farTone = dir.resolve("phone").resolve("600.wav");
    Tones.writeWav8k(farTone, 600, 120);
    return farTone;
  }

  /**
   * The client is connected to node a. With {@code signalingNodeDies} the call must run on node
   * a (both die together), otherwise on node b (only the call's node dies).
   */
  private void run(boolean signalingNodeDies) throws Exception {
    Path clientTone = dir.resolve("1k.wav");
    Tones.writeWav8k(clientTone, 1000, 120);
    Path heard = dir.resolve("heard.wav");
    withCluster("cli-" + signalingNodeDies, farTone(), (a, b, envA, envB, phone) -> {
      String rtcA = "127.0.0.1:" + envA.get("RTC2SIP_RTC_LOOPBACK_PORT");
      String wantedRtc = signalingNodeDies ? rtcA
          : "127.0.0.1:" + envB.get("RTC2SIP_RTC_LOOPBACK_PORT");
      Cli cli = new Cli(new String[] {"--uid", "rita", "--server",
          "127.0.0.1:" + envA.get("RTC2SIP_SIGNALING_PORT") + ",127.0.0.1:"
              + envB.get("RTC2SIP_SIGNALING_PORT"),
          "--play", clientTone.toString(), "--record", heard.toString()});
      try {
        String callId = placeCallRunningAt(cli, phone, wantedRtc);
        cli.awaitLine("\"type\":\"answered\"", 0, Duration.ofSeconds(30));
        // let the tones run for a while before the kill: a duration, not a synchronisation
        // (the checks below poll)
        Thread.sleep(3000);
        int beforeKill = cli.lines();
        long killed = System.nanoTime();
        (signalingNodeDies ? a : b).kill();
        if (signalingNodeDies) {
          cli.awaitLine("\"type\":\"reconnected\"", beforeKill, Duration.ofSeconds(120));
        } else {
          cli.awaitLine("\"type\":\"rtc-moved\"", beforeKill, Duration.ofSeconds(120));
        }
        String survivorRtc = signalingNodeDies
            ? "127.0.0.1:" + envB.get("RTC2SIP_RTC_LOOPBACK_PORT") : rtcA;
        String rejoined = cli.awaitLine("\"type\":\"rejoined\"", beforeKill,
            Duration.ofSeconds(120));
        assertTrue(rejoined.contains(callId) && rejoined.contains(survivorRtc), rejoined);
        System.out.printf("rtc follows (%s died): the client rejoined %d ms after SIGKILL%n",
            signalingNodeDies ? "the signaling and call node" : "the call's node",
            (System.nanoTime() - killed) / 1_000_000);
        Thread.sleep(6000); // six seconds of audio on the survivor (a duration to record)
        cli.send("hangup " + callId);
        cli.awaitLine("\"type\":\"ended\"", beforeKill, Duration.ofSeconds(30));
        cli.send("quit");
        assertEquals(0, cli.await(), cli.output());
      } finally {
        cli.close();
      }
      // the client heard the far end's 600 Hz through the survivor: the frames heard after
      // the kill can only come from the survivor's bot (the killed node's are gone)
      short[] all = Tones.readWav(heard);
      short[] tail = java.util.Arrays.copyOfRange(all, Math.max(0, all.length - 48000 * 3),
          all.length);
      double share = Tones.share(Tones.loudest(tail, 100), 600);
      assertTrue(all.length > 48000 * 8, "heard only " + all.length + " samples");
      assertTrue(share > 0.8, "600 Hz share of the last 3 s the client heard: " + share);
      assertPhoneHeardAtTheEnd(phone, 6, 1000, 0.8);
    });
  }

  @Test
  void theBrowserRenegotiatesWithTheSurvivorWhenTheNodeRunningItsCallDies() throws Exception {
    browserRun(false);
  }

  @Test
  void theBrowserReconnectsAndRenegotiatesWhenItsSignalingNodeAndCallDie() throws Exception {
    browserRun(true);
  }

  /**
   * The phone page is served by (and connected to) node a. With {@code signalingNodeDies} the
   * call must run on node a (the page reconnects to b and finds its call in {@code calls}),
   * otherwise on node b (the page stays connected and gets {@code rtc-moved}).
   */
  private void browserRun(boolean signalingNodeDies) throws Exception {
    Path microphone = Chromium.toneWav(dir.resolve("mic-1k.wav"), 1000, 48000, 120);
    withCluster("browser-" + signalingNodeDies, farTone(), (a, b, envA, envB, phone) -> {
      try (Chromium browser = Chromium.start(microphone)) {
        PhonePage page = new PhonePage(browser, Integer.parseInt(envA.get("RTC2SIP_HTTP_PORT")))
            .login("bruno");
        NodeProcess wanted = signalingNodeDies ? a : b;
        String callId = null;
        for (int attempt = 0; attempt < 12 && callId == null; attempt++) {
          page.call("sip:phone@127.0.0.1:" + phone.sipPort);
          page.awaitState("active");
          String id = (String) page.get("callId");
          NodeProcess running = browser.await("the node of the browser's leg", WAIT, () ->
              connectedOn(a, id) ? a : connectedOn(b, id) ? b : null);
          if (running == wanted) {
            callId = id;
          } else {
            page.click("hangup");
            page.awaitState("ended");
          }
        }
        assertTrue(callId != null, "no browser call ran on the wanted node in 12 tries");
        page.awaitHearing(600);
        long killed = System.nanoTime();
        wanted.kill();
        // the old leg is gone: silence, then the page offers again to the survivor and hears
        // the far end there, in the same call
        browser.await("the page hearing nothing after the kill", WAIT,
            () -> ((Number) page.get("heardHz")).doubleValue() == 0 ? true : null);
        // what the page hears before it offers again is what its audio still held of the old
        // leg, not the survivor
        browser.await("the page offering again", Duration.ofSeconds(120),
            () -> page.phone().get("log").toString().contains("\"type\":\"reoffer\"")
                ? true : null);
        browser.await("the page hearing 600 Hz through the survivor", Duration.ofSeconds(120),
            () -> {
              Object heard = page.get("heardHz");
              double h = heard instanceof Number n ? n.doubleValue() : 0;
              return Math.abs(h - 600) < 30 ? h : null;
            });
        System.out.printf("rtc follows (browser, %s died): audio back %d ms after SIGKILL%n",
            signalingNodeDies ? "the signaling and call node" : "the call's node",
            (System.nanoTime() - killed) / 1_000_000);
        assertEquals(callId, page.get("callId"));
        assertEquals("active", page.get("state"), page.describe());
        String log = page.phone().get("log").toString();
        assertTrue(log.contains("\"type\":\"reoffer\""), page.describe());
        assertTrue(signalingNodeDies || log.contains("\"type\":\"rtc-moved\""), log);
        Thread.sleep(4000); // four seconds of the page's voice through the survivor
        page.click("hangup");
        page.awaitState("ended");
        // Opus from the browser's tone, as BrowserPhoneTest measures it at baresip; its
        // recording of the call starts again with the survivor's re-INVITE, so it holds about
        // the four seconds on the survivor, of which the last three are measured
        assertPhoneHeardAtTheEnd(phone, 3, 1000, 0.5);
      }
    });
  }

  private static boolean connectedOn(NodeProcess node, String callId) {
    return !node.linesMatching(l -> l.contains(callId) && l.contains("WebRTC leg connected"))
        .isEmpty();
  }

  /**
   * Baresip heard {@code hz} (at least {@code share} of the power) in its call's last 3 s, of a
   * recording that holds at least {@code seconds} (the recording is awaited until then).
   */
  private static void assertPhoneHeardAtTheEnd(Baresip phone, int seconds, double hz,
      double share) throws Exception {
    // baresip writes its recording when it processed the BYE
    short[] phoneHeard = Tones.awaitRecording(phone, 8000 * seconds + 1,
        Duration.ofSeconds(20));
    short[] phoneTail = java.util.Arrays.copyOfRange(phoneHeard,
        Math.max(0, phoneHeard.length - 8000 * 3), phoneHeard.length);
    double up = Tones.share(Tones.loudest(Tones.upsample6(phoneTail), 100), hz);
    assertTrue(up > share, hz + " Hz share of the last 3 s baresip heard: " + up);
  }

  /** Places calls to baresip until one runs on the node with loopback RTC at {@code rtc}. */
  private static String placeCallRunningAt(Cli cli, Baresip phone, String rtc)
      throws Exception {
    for (int attempt = 0; attempt < 12; attempt++) {
      int from = cli.lines();
      cli.send("call sip:phone@127.0.0.1:" + phone.sipPort);
      String result = cli.awaitLine(",\"channel\":\"call-o-", from, Duration.ofSeconds(30));
      JsonNode r = JSON.readTree(result);
      String callId = r.path("callId").asText();
      if (r.path("rtc").asText().equals(rtc)) {
        return callId;
      }
      cli.awaitLine("\"type\":\"answered\"", from, Duration.ofSeconds(30));
      cli.send("hangup " + callId);
      cli.awaitLine("\"type\":\"ended\"", from, Duration.ofSeconds(30));
    }
    throw new AssertionError("no call ran at " + rtc + " in 12 tries:\n" + cli.output());
  }

  private Map<String, String> env(String name, int port, String seed) {
    Map<String, String> env = new HashMap<>();
    env.put("RTC2SIP_DATA_DIR", dir.resolve(name).toString());
    env.put("RTC2SIP_NODE_PORT", String.valueOf(port));
    env.put("RTC2SIP_SEED_NODES", seed);
    env.put("RTC2SIP_SBR_STABLE_AFTER", SBR_STABLE_AFTER);
    env.put("RTC2SIP_MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIP_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_SIGNALING_PORT", String.valueOf(FreePorts.next()));
    env.put("RTC2SIP_RTC_LOOPBACK_PORT", String.valueOf(FreePorts.next()));
    int rtp = 20000 + (int) (ProcessHandle.current().pid() % 100) * 200
        + (name.equals("a") ? 0 : 100);
    env.put("RTC2SIP_RTP_PORT_MIN", String.valueOf(rtp));
    env.put("RTC2SIP_RTP_PORT_MAX", String.valueOf(rtp + 99));
    int webrtc = 51000 + (int) (ProcessHandle.current().pid() % 100) * 40
        + (name.equals("a") ? 0 : 20);
    env.put("RTC2SIP_WEBRTC_PORT_MIN", String.valueOf(webrtc));
    env.put("RTC2SIP_WEBRTC_PORT_MAX", String.valueOf(webrtc + 19));
    return env;
  }

  /** The client CLI in this JVM, fed commands on its stdin; its output kept as lines. */
  private static final class Cli implements AutoCloseable {
    private final PipedOutputStream commands = new PipedOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicInteger status = new AtomicInteger(-1);
    private final Thread thread;

    Cli(String[] args) throws Exception {
      PipedInputStream stdin = new PipedInputStream(commands, 64 * 1024);
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      thread = new Thread(() -> {
        try {
          status.set(ClientMain.run(args, stdin, print));
        } catch (Exception e) {
          e.printStackTrace(print);
          status.set(99);
        }
      }, "cli");
      thread.start();
    }

    void send(String command) throws Exception {
      commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
    }

    synchronized String output() {
      return out.toString(StandardCharsets.UTF_8);
    }

    int lines() {
      return output().split("\n", -1).length - 1;
    }

    /** The first line from line {@code from} on that contains {@code text}. */
    String awaitLine(String text, int from, Duration timeout) {
      // the client's output grows on its own threads: poll
      return Until.value(timeout, () -> {
        String[] lines = output().split("\n");
        for (int i = from; i < lines.length; i++) {
          if (lines[i].contains(text)) {
            return lines[i];
          }
        }
        return null;
      }, () -> "a line with " + text + ":\n" + output());
    }

    int await() throws InterruptedException {
      thread.join(30_000);
      return status.get();
    }

    @Override
    public void close() throws Exception {
      commands.close();
      thread.join(30_000);
    }
  }
}
