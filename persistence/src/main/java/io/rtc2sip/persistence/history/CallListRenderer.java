package io.rtc2sip.persistence.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.List;

/** A list of calls from the history, as a table for people and as JSON for tools. */
public final class CallListRenderer {
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private CallListRenderer() {}

  public static String text(List<CallRecords.CallRecord> calls) {
    StringBuilder out = new StringBuilder(String.format("%-36s %-20s %-8s %-12s %-24s %-8s %-16s"
        + " %s%n", "CALL ID", "STARTED", "DIR", "UID", "SIP PARTY", "LENGTH", "OUTCOME", "NODES"));
    for (CallRecords.CallRecord c : calls) {
      String outcome = c.endCause() == null ? "(" + c.lastEvent() + ")" : c.endCause();
      Duration length = c.answeredAt() == null || c.endedAt() == null ? null
          : Duration.between(c.answeredAt(), c.endedAt());
      out.append(String.format("%-36s %-20s %-8s %-12s %-24s %-8s %-16s %s%n", c.callId(),
          c.startedAt() == null ? "-" : c.startedAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
          c.direction() == null ? "-" : c.direction().toLowerCase(java.util.Locale.ROOT),
          c.uid(), c.sipParty(),
          length == null ? "-" : length.toSeconds() + "s", outcome, String.join(",", c.nodes())));
    }
    return out.append(calls.size()).append(calls.size() == 1 ? " call\n" : " calls\n").toString();
  }

  public static String json(List<CallRecords.CallRecord> calls) {
    try {
      return JSON.writeValueAsString(java.util.Map.of("calls", calls));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the call list", e);
    }
  }
}
