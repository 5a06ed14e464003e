package io.rtc2sip.persistence.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the search parameters of {@code rtc2sip calls} and {@code GET /api/calls} into a
 * {@link CallRecords.Query}: {@code call-id, uid, number, since, until, cause, node, limit}.
 * Times are ISO instants ({@code 2026-11-30T10:00:00Z}), dates ({@code 2026-11-30}, midnight
 * UTC) or ages before now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}).
 */
public final class CallQueries {
  public static final Set<String> PARAMETERS =
      Set.of("call-id", "uid", "number", "since", "until", "cause", "node", "limit");
  private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");
  private static final int DEFAULT_LIMIT = 50;

  private CallQueries() {}

  /** The query; IllegalArgumentException with a message fit for the user on bad input. */
  public static CallRecords.Query parse(Map<String, String> params, Clock clock) {
    for (String name : params.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new IllegalArgumentException("unknown search parameter '" + name + "' (known: "
            + String.join(", ", PARAMETERS.stream().sorted().toList()) + ")");
      }
    }
    String limit = blankToNull(params.get("limit"));
    int n;
    try {
      n = limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be a number, not '" + limit + "'");
    }
    String cause = blankToNull(params.get("cause"));
    return new CallRecords.Query(blankToNull(params.get("call-id")),
        blankToNull(params.get("uid")), blankToNull(params.get("number")),
        time("since", params.get("since"), clock), time("until", params.get("until"), clock),
        cause == null ? null : cause.toUpperCase(java.util.Locale.ROOT).replace('-', '_'),
        blankToNull(params.get("node")), n);
  }

  static Instant time(String name, String value, Clock clock) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    Matcher age = AGE.matcher(v);
    if (age.matches()) {
      long amount = Long.parseLong(age.group(1));
      Duration d = switch (age.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
      return clock.instant().minus(d);
    }
    try {
      return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO time (2026-11-30T10:00:00Z),"
          + " a date (2026-11-30) or an age (15m, 2h, 7d), not '" + v + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
