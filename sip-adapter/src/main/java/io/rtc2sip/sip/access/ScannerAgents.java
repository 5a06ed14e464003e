package io.rtc2sip.sip.access;

import java.util.List;
import java.util.Locale;

/** User-Agent substrings of SIP scanners (case-insensitive). */
public final class ScannerAgents {
  private final List<String> needles;

  public ScannerAgents(List<String> agents) {
    this.needles = agents.stream().map(String::trim).filter(a -> !a.isEmpty())
        .map(a -> a.toLowerCase(Locale.ROOT)).toList();
  }

  public boolean matches(String userAgent) {
    if (userAgent == null || userAgent.isEmpty()) {
      return false;
    }
    String ua = userAgent.toLowerCase(Locale.ROOT);
    for (String n : needles) {
      if (ua.contains(n)) {
        return true;
      }
    }
    return false;
  }
}
