package io.rtc2sip.persistence.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.rtc2sip.actors.call.CallEvent;
import io.rtc2sip.actors.call.CallState;
import java.util.List;

/** A call's timeline as text for people and as JSON for tools. */
public final class ReplayRenderer {
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private ReplayRenderer() {}

  public static String text(String callId, List<CallHistory.Step> steps) {
    StringBuilder out = new StringBuilder("call ").append(callId).append(": ")
        .append(steps.size()).append(" events\n");
    for (CallHistory.Step s : steps) {
      out.append(String.format("  #%-3d %s  %-28s %-22s %s -> %s%s%n", s.sequenceNr(),
          s.written(), s.node(), s.event().getClass().getSimpleName(), s.before().stateName(),
          s.after().stateName(), detail(s.event())));
    }
    CallState last = steps.isEmpty() ? CallState.Idle.INSTANCE
        : steps.get(steps.size() - 1).after();
    return out.append("now: ").append(describe(last)).append('\n').toString();
  }

  public static String json(String callId, List<CallHistory.Step> steps) {
    ObjectNode root = JSON.createObjectNode().put("callId", callId);
    ArrayNode list = root.putArray("steps");
    for (CallHistory.Step s : steps) {
      ObjectNode n = list.addObject();
      n.put("seq", s.sequenceNr()).put("written", s.written().toString()).put("node", s.node())
          .put("event", s.event().getClass().getSimpleName())
          .put("before", s.before().stateName()).put("after", s.after().stateName());
      n.set("data", JSON.valueToTree(s.event()));
    }
    root.put("state", steps.isEmpty() ? "Idle" : steps.get(steps.size() - 1).after().stateName());
    return root.toString();
  }

  /** What a push step says beyond its name (the other events: nothing; see the JSON). */
  static String detail(CallEvent event) {
    if (event instanceof CallEvent.PushAttempted a) {
      return "  attempt " + a.attempt() + ": " + (a.status() > 0 ? "HTTP " + a.status()
          : a.error()) + " in " + a.latencyMillis() + " ms"
          + (a.retryAt() != null ? ", next at " + a.retryAt() : "");
    }
    if (event instanceof CallEvent.PushFailed f) {
      return "  " + f.reason();
    }
    return "";
  }

  public static String describe(CallState state) {
    return state.stateName() + (state instanceof CallState.Started s
        ? " (" + s.info().direction() + " " + s.info().caller().address() + " -> "
            + s.info().callee().address() + ", since " + s.info().since() + ")"
        : "");
  }
}
