package io.rtc2sip.sip.dispatch;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.metrics.SipDestination;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The destination sets on /metrics, labelled by set and server: up, weight, last probe time and
 * latency, INVITEs sent; and the same for the dashboard ({@link NodeMetrics#sipDestinations()}).
 * Read from the sets when scraped or asked; closing takes them out again.
 */
public final class DestinationMetrics implements AutoCloseable {
  private final PrometheusRegistry registry;
  private final List<Collector> collectors;
  private final List<Collector> registered;
  private final AutoCloseable dashboard;

  public DestinationMetrics(NodeMetrics metrics, Destinations destinations) {
    this.registry = metrics.registry();
    this.dashboard = metrics.sipDestinations(() -> report(destinations));
    this.collectors = List.of(
        gauge(destinations, "rtc2sip_sip_destination_up",
            "1 while a server of a destination set counts as up on this node (its OPTIONS"
                + " probes answered), 0 while down", s -> s.up() ? 1 : 0),
        gauge(destinations, "rtc2sip_sip_destination_weight",
            "Configured weight of a server of a destination set", Server.State::weight),
        gauge(destinations, "rtc2sip_sip_destination_probe_latency_seconds",
            "Round-trip time of the last answered OPTIONS probe of a server (-1: none yet)",
            s -> s.latencyMicros() < 0 ? -1 : s.latencyMicros() / 1e6),
        gauge(destinations, "rtc2sip_sip_destination_last_probe_timestamp_seconds",
            "When this node last had an outcome of a probe of a server (Unix time; 0: never)",
            s -> s.lastProbe() == null ? 0 : s.lastProbe().toEpochMilli() / 1e3),
        CounterWithCallback.builder().name("rtc2sip_sip_destination_invites_total")
            .help("INVITEs this node sent to a server of a destination set (first attempts and"
                + " failovers)")
            .labelNames("set", "server")
            .callback(cb -> {
              for (DestinationSet set : destinations.sets()) {
                for (Server.State s : set.states()) {
                  cb.call(s.invites(), set.name(), s.uri());
                }
              }
            }).build());
    List<Collector> registered = new java.util.ArrayList<>();
    for (Collector c : collectors) {
      try {
        registry.register(c);
        registered.add(c);
      } catch (IllegalArgumentException already) {
        // another adapter of this node (tests) shows its sets
      }
    }
    this.registered = List.copyOf(registered);
  }

  private static List<SipDestination> report(Destinations destinations) {
    List<SipDestination> out = new java.util.ArrayList<>();
    for (DestinationSet set : destinations.sets()) {
      for (Server.State s : set.states()) {
        out.add(new SipDestination(set.name(), s.uri(), s.up(), s.weight(), s.priority(),
            s.lastProbe(), s.latencyMicros() < 0 ? -1 : s.latencyMicros() / 1000.0,
            s.lastOutcome(), s.invites()));
      }
    }
    return out;
  }

  private static Collector gauge(Destinations destinations, String name, String help,
      ToDoubleFunction<Server.State> value) {
    return GaugeWithCallback.builder().name(name).help(help).labelNames("set", "server")
        .callback(cb -> {
          for (DestinationSet set : destinations.sets()) {
            for (Server.State s : set.states()) {
              cb.call(value.applyAsDouble(s), set.name(), s.uri());
            }
          }
        }).build();
  }

  @Override
  public void close() {
    try {
      dashboard.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    for (Collector c : registered) {
      registry.unregister(c);
    }
  }
}
