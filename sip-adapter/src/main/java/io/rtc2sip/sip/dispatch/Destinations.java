package io.rtc2sip.sip.dispatch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** This node's destination sets and the routes that pick a call's set. */
public final class Destinations {
  private final DestinationSettings settings;
  private final Map<String, DestinationSet> sets = new LinkedHashMap<>();

  public Destinations(DestinationSettings settings) {
    this.settings = settings;
    settings.sets().forEach((name, s) -> sets.put(name, new DestinationSet(s)));
  }

  /**
   * The set of a call to {@code user@host} placed by {@code callerUid}: the first route that
   * matches, else the default set; empty when neither applies (the call goes to the
   * Request-URI's host).
   */
  public Optional<DestinationSet> setFor(String user, String host, String callerUid) {
    for (DestinationSettings.Route r : settings.routes()) {
      if (r.matches(user == null ? "" : user, host == null ? "" : host,
          callerUid == null ? "" : callerUid)) {
        return Optional.of(sets.get(r.set()));
      }
    }
    return settings.defaultSet().isEmpty() ? Optional.empty()
        : Optional.of(sets.get(settings.defaultSet()));
  }

  /** The set named {@code name}, if there is one. */
  public Optional<DestinationSet> set(String name) {
    return Optional.ofNullable(sets.get(name));
  }

  public Collection<DestinationSet> sets() {
    return sets.values();
  }
}
