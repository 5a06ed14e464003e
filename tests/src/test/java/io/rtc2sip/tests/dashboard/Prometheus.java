package io.rtc2sip.tests.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads a /metrics page with the Prometheus Python client's text-format parser (Debian package
 * python3-prometheus-client), so a format error fails the test as it would fail a scrape.
 */
public final class Prometheus {
  private static final String PARSER = """
      import sys
      from prometheus_client.parser import text_string_to_metric_families
      for family in text_string_to_metric_families(sys.stdin.read()):
          for s in family.samples:
              labels = ",".join(k + "=" + v for k, v in sorted(s.labels.items()))
              print((s.name + "{" + labels + "}" if labels else s.name) + " " + repr(s.value))
      """;

  private Prometheus() {}

  /** Every sample as {@code name{label=value,...}} (labels sorted) → value. */
  public static Map<String, Double> parse(String exposition) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", PARSER).redirectErrorStream(true).start();
    p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("the Prometheus parser rejected /metrics:\n" + out);
    }
    Map<String, Double> samples = new TreeMap<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples;
  }
}
