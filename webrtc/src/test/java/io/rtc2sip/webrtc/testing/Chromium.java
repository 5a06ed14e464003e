package io.rtc2sip.webrtc.testing;

import io.rtc2sip.testkit.Until;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the Debian packages (chromium, chromium-driver), driven by
 * chromedriver, with a fake microphone playing a WAV file and WebRTC allowed on loopback. Runs as
 * root (no sandbox) with its own empty profile and HOME; nothing reaches the network.
 */
public final class Chromium implements AutoCloseable {
  private final ChromeDriver driver;
  private final Path home;

  private Chromium(ChromeDriver driver, Path home) {
    this.driver = driver;
    this.home = home;
  }

  /** A browser whose microphone plays {@code microphoneWav} (null: no media flags). */
  public static Chromium start(Path microphoneWav) throws IOException {
    return start(microphoneWav, List.of());
  }

  /**
   * A browser as {@link #start(Path)} with more command-line switches (for example
   * {@code --ignore-certificate-errors-spki-list=...} to trust one server key).
   */
  public static Chromium start(Path microphoneWav, List<String> switches) throws IOException {
    Path home = Files.createTempDirectory("rtc2sip-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    List<String> args = new ArrayList<>(List.of("--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + home.resolve("profile"), "--window-size=1200,1600"));
    if (microphoneWav != null) {
      args.addAll(List.of("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
          "--use-file-for-fake-audio-capture=" + microphoneWav.toAbsolutePath(),
          "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required"));
    }
    args.addAll(switches);
    options.addArguments(args);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .withEnvironment(java.util.Map.of("HOME", home.toString()))
        .usingAnyFreePort()
        .build();
    return new Chromium(new ChromeDriver(service, options), home);
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Runs {@code script} in the page and returns its value. */
  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * The first value of {@code condition} that is neither null nor false; fails with {@code what}
   * after {@code timeout}.
   */
  public <T> T await(String what, Duration timeout, Supplier<T> condition) {
    Object[] last = {null};
    return Until.value(timeout, () -> {
      T seen = condition.get();
      last[0] = seen;
      return Boolean.FALSE.equals(seen) ? null : seen;
    }, () -> what + " (last: " + last[0] + ")");
  }

  /** Saves a screenshot of the page to {@code file}. */
  public void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException | RuntimeException e) {
      // a screenshot is evidence for a failure, not a reason for another
    }
  }

  /** A mono 16-bit WAV of a sine at {@code hz}, {@code seconds} long, at {@code rate}. */
  public static Path toneWav(Path file, double hz, int rate, int seconds) throws IOException {
    int samples = rate * seconds;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + samples * 2)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes())
        .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
        .putInt(rate * 2).putShort((short) 2).putShort((short) 16)
        .put("data".getBytes()).putInt(samples * 2);
    for (int i = 0; i < samples; i++) {
      b.putShort((short) Math.round(10000 * Math.sin(2 * Math.PI * hz * i / rate)));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, b.array());
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary profile left behind is harmless
      }
    }
  }
}
