package io.rtc2sip.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.testing.ToneMeter;
import io.rtc2sip.webrtc.testing.Chromium;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser legs against real headless Chromium: ICE-lite, DTLS-SRTP with the fingerprints of both
 * offers checked, Opus both ways (the page's fake microphone plays 1 kHz, the leg sends 400 Hz),
 * and the ways a leg ends: the page closes its connection, never connects, or presents another
 * certificate than its offer announced. A thread plays the media clock: a frame each way every
 * 10 ms.
 */
class BrowserLegTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  @TempDir static Path dir;
  private static BrowserMedia media;
  private static HttpServer http;
  private static Chromium browser;
  private static String base;
  private static volatile Leg current;

  /** The leg the page's last offer made, with what its listener heard. */
  private static final class Leg implements WebRtcLegs.Listener {
    final CompletableFuture<String> left = new CompletableFuture<>();
    final CompletableFuture<String> failed = new CompletableFuture<>();
    volatile RtcAudio audio;
    final short[] heard = new short[8000 * 20];
    volatile int heardSamples;
    ScheduledExecutorService clock;

    @Override
    public void left(String reason) {
      left.complete(reason);
    }

    @Override
    public void failed(String reason) {
      failed.complete(reason);
    }

    /** Publishes 400 Hz and collects what arrives, every 10 ms, at the leg's rate. */
    void run() {
      clock = Executors.newSingleThreadScheduledExecutor();
      int rate = audio.sampleRate();
      short[] out = new short[rate / 100];
      short[] in = new short[rate / 100];
      long[] n = {0};
      clock.scheduleAtFixedRate(() -> {
        ToneMeter.sine(out, 400, rate, 8000, n[0]);
        n[0] += out.length;
        if (audio.listening()) {
          audio.publish(out);
        }
        if (audio.poll(in) && heardSamples + in.length <= heard.length) {
          System.arraycopy(in, 0, heard, heardSamples, in.length);
          heardSamples += in.length;
        }
      }, 10, 10, TimeUnit.MILLISECONDS);
    }

    void stop() {
      if (clock != null) {
        clock.shutdownNow();
      }
      if (audio != null) {
        audio.close();
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    int portMin;
    try (ServerSocket s = new ServerSocket(0)) {
      portMin = 41000 + s.getLocalPort() % 2000;
    }
    media = BrowserMedia.start(new WebRtcSettings("127.0.0.1", "", portMin, portMin + 40,
        Duration.ofSeconds(3), Duration.ofSeconds(3),
        List.of(WebRtcSettings.Codec.OPUS, WebRtcSettings.Codec.PCMU), 1, 24000, 2));
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/page", ex -> {
      try (InputStream page = BrowserLegTest.class.getResourceAsStream("/webrtc-test/page.html")) {
        reply(ex, 200, "text/html", page.readAllBytes());
      }
    });
    http.createContext("/offer", BrowserLegTest::offer);
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
    browser = Chromium.start(Chromium.toneWav(dir.resolve("mic-1k.wav"), 1000, 48000, 10));
  }

  private static void offer(HttpExchange ex) throws IOException {
    String sdp = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Leg leg = new Leg();
    try {
      WebRtcLegs.Answered answered = media.answer("test-" + System.nanoTime(), sdp, leg);
      leg.audio = answered.audio();
      current = leg;
      leg.run();
      reply(ex, 200, "application/sdp", answered.sdp().getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      reply(ex, 400, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void reply(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  @AfterEach
  void stopLeg() {
    Leg leg = current;
    current = null;
    if (leg != null) {
      leg.stop();
    }
    browser.open("about:blank");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (http != null) {
      http.stop(0);
    }
    if (media != null) {
      media.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> result() {
    return (Map<String, Object>) browser.js("return window.result;");
  }

  private static void call(String mangle) {
    browser.open(base + "/page");
    browser.js("call('/offer', " + mangle + ");");
  }

  @Test
  void audioFlowsBothWaysAndThePageHangingUpEndsTheLeg() throws Exception {
    call("null");
    browser.await("connected", WAIT, () -> "connected".equals(result().get("state")));
    // the page hears the leg's 400 Hz
    browser.await("400 Hz in the page", WAIT, () -> {
      double hz = ((Number) result().get("heardHz")).doubleValue();
      return Math.abs(hz - 400) < 20 ? hz : null;
    });
    // the leg hears the page's 1 kHz
    Leg leg = current;
    assertEquals(8000, leg.audio.sampleRate(), "a browser leg gives G.711's rate");
    browser.await("two seconds of audio from the page", WAIT, () -> leg.heardSamples > 8000 * 2);
    short[] heard = java.util.Arrays.copyOf(leg.heard, leg.heardSamples);
    double share = ToneMeter.share(ToneMeter.loudest(heard, 80, 100), 1000, 8000);
    assertTrue(share > 0.8, "1 kHz share of what the leg heard: " + share);

    browser.js("pc.close();");
    String reason = leg.left.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(reason.contains("closed"), reason);
    assertTrue(!leg.failed.isDone());
  }

  @Test
  void closingTheLegTellsThePage() throws Exception {
    call("null");
    browser.await("connected", WAIT, () -> "connected".equals(result().get("state")));
    current.audio.close();
    // the browser's DTLS transport is closed by our close_notify, not given up by ICE consent
    browser.await("the page's DTLS transport closed", WAIT,
        () -> "closed".equals(result().get("dtls")));
  }

  @Test
  void aBrowserThatNeverConnectsFailsTheLegAfterTheConnectTimeout() throws Exception {
    // the offer goes out, but its answer is never applied: no ICE check ever comes
    browser.open(base + "/page");
    browser.js("offer().then(sdp => fetch('/offer', {method: 'POST', body: sdp}));");
    Leg leg = browser.await("an answered offer", WAIT, () -> current);
    String reason = leg.failed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(reason.contains("no ICE connectivity check"), reason);
  }

  @Test
  void aCertificateOtherThanTheOfferedFingerprintIsRefused() throws Exception {
    // the offer's fingerprint is replaced: the browser's real certificate no longer matches it
    call("sdp => sdp.replace(/a=fingerprint:sha-256 [0-9A-F:]+/,"
        + " 'a=fingerprint:sha-256 ' + Array(32).fill('AB').join(':'))");
    Leg leg = browser.await("an answered offer", WAIT, () -> current);
    String reason = leg.failed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(reason.contains("DTLS handshake failed"), reason);
    assertTrue(reason.contains("bad_certificate") || reason.contains("fingerprint"), reason);
    assertTrue(!"connected".equals(result().get("state")));
  }

  @Test
  void anOfferWithoutAudioIsRefusedWithTheReason() {
    browser.open(base + "/page");
    browser.js("window.r = null; fetch('/offer', {method: 'POST', body: 'v=0\\r\\no=- 1 1 IN IP4"
        + " 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n'}).then(r => r.text()).then(t => window.r = t);");
    String error = browser.await("the refusal", WAIT, () -> (String) browser.js("return window.r;"));
    assertEquals("the offer has no audio (no m=audio line with a port)", error);
  }
}
