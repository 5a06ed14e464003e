package io.rtc2sip.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.rtc.RtcTokens;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The client signaling protocol, version 1 (docs/signaling.md): one JSON object per line (TCP)
 * or per text message (WebSocket). Requests carry {@code type} and an optional {@code id} that
 * the reply echoes; replies are {@code result} or {@code error} (with a code and a reason);
 * notifications carry no id.
 */
public final class Protocol {

  public static final int VERSION = 1;
  static final ObjectMapper JSON = new ObjectMapper();

  /** Request types and the string fields each requires. */
  static final Map<String, List<String>> REQUESTS = Map.ofEntries(
      Map.entry("login", List.of("uid", "token")),
      Map.entry("register", List.of()),
      Map.entry("call", List.of("to")),
      Map.entry("answer", List.of("callId")),
      Map.entry("reoffer", List.of("callId", "sdp")),
      Map.entry("hangup", List.of("callId")),
      Map.entry("reject", List.of("callId")),
      Map.entry("cancel", List.of("callId")),
      Map.entry("hold", List.of("callId")),
      Map.entry("unhold", List.of("callId")),
      Map.entry("dtmf", List.of("callId", "digits")),
      Map.entry("transfer", List.of("callId")), // and "to" or "replaces"
      Map.entry("conference", List.of("callId", "to")),
      Map.entry("remove-party", List.of("callId")),
      Map.entry("calls", List.of()),
      Map.entry("rtc-token", List.of("callId")),
      Map.entry("ping", List.of()),
      Map.entry("logout", List.of()));

  /** Every error code the server sends (docs/signaling.md lists each, SignalingDocTest checks). */
  static final java.util.Set<String> ERROR_CODES = java.util.Set.of(
      "bad-json", "unknown-type", "bad-message", "unsupported-version", "too-long",
      "not-logged-in", "bad-token", "login-timeout", "too-many-connections", "rate-limited",
      "rejected", "timeout", "unavailable", "no-such-call", "no-rtc-tokens", "bad-sdp",
      "no-webrtc", "bad-target", io.rtc2sip.actors.dialplan.DialPlan.FORBIDDEN_DESTINATION,
      io.rtc2sip.actors.dialplan.DialPlan.TOO_MANY_CALLS,
      io.rtc2sip.actors.dialplan.DialPlan.CALL_RATE_EXCEEDED,
      io.rtc2sip.actors.journal.JournalAvailability.REFUSAL);

  /** A request that passed the protocol checks. */
  record Request(String type, String id, JsonNode body) {
    String text(String field) {
      return body.path(field).asText();
    }

    boolean flag(String field) {
      return body.path(field).asBoolean(false);
    }

    /** A whole number {@code >= 0} in {@code field}, or -1 when it is missing or not one. */
    int count(String field) {
      JsonNode n = body.path(field);
      return n.canConvertToInt() && n.isIntegralNumber() && n.asInt() >= 0 ? n.asInt() : -1;
    }
  }

  /** Why a line is not a request: an error code and a reason for the client. */
  record Invalid(String id, String code, String reason) {}

  private Protocol() {}

  /** Reads one line: a {@link Request} or an {@link Invalid}. */
  static Object parse(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return new Invalid(null, "bad-json", "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return new Invalid(null, "bad-json", "a message is one JSON object");
    }
    String id = node.hasNonNull("id") ? node.get("id").asText() : null;
    if (node.has("v") && node.get("v").asInt() != VERSION) {
      return new Invalid(id, "unsupported-version", "this server speaks version " + VERSION);
    }
    String type = node.path("type").asText("");
    List<String> required = REQUESTS.get(type);
    if (required == null) {
      return new Invalid(id, "unknown-type", type.isEmpty() ? "a message needs a type"
          : "unknown message type '" + type + "'");
    }
    for (String field : required) {
      if (!node.path(field).isTextual() || node.get(field).asText().isBlank()) {
        return new Invalid(id, "bad-message", type + " needs a non-empty string '" + field + "'");
      }
    }
    return new Request(type, id, node);
  }

  /** Adds {@code rtcToken} for {@code uid} in {@code channel} when the network has tokens. */
  static ObjectNode withToken(ObjectNode o, RtcTokens rtcTokens, String channel, String uid) {
    String token = rtcTokens.issue(channel, uid);
    return token == null ? o : o.put("rtcToken", token);
  }

  /**
   * Adds {@code rtc}: where the call's audio is on the loopback RTC network ({@code host:port}
   * of the node running the call); nothing on a network that is not node-local.
   */
  static ObjectNode withRtc(ObjectNode o, String rtcAddress) {
    return rtcAddress == null ? o : o.put("rtc", rtcAddress);
  }

  static String error(String id, String code, String reason) {
    ObjectNode n = JSON.createObjectNode().put("type", "error");
    if (id != null) {
      n.put("id", id);
    }
    return n.put("code", code).put("reason", reason).toString();
  }

  static ObjectNode result(String id) {
    ObjectNode n = JSON.createObjectNode().put("type", "result");
    if (id != null) {
      n.put("id", id);
    }
    return n.put("ok", true);
  }

  /** The JSON a client receives for a notification (on an RTC network without tokens). */
  static String render(ClientNotification n) {
    return render(n, RtcTokens.NONE);
  }

  /** The JSON a client receives for a notification; calls carry a token for their channel. */
  static String render(ClientNotification n, RtcTokens rtcTokens) {
    ObjectNode o = JSON.createObjectNode();
    if (n instanceof ClientNotification.IncomingCall c) {
      o.put("type", "incoming-call").put("callId", c.callId()).put("from", c.caller().address())
          .put("fromName", c.caller().displayName()).put("channel", c.rtcChannel());
      withRtc(o, c.rtcAddress());
      withToken(o, rtcTokens, c.rtcChannel(), c.uid());
    } else if (n instanceof ClientNotification.RtcMoved m) {
      o.put("type", "rtc-moved").put("callId", m.callId()).put("browser", m.browser());
      withRtc(o, m.rtcAddress());
    } else if (n instanceof ClientNotification.Ringing r) {
      o.put("type", "ringing").put("callId", r.callId()).put("earlyMedia", r.earlyMedia());
    } else if (n instanceof ClientNotification.Answered a) {
      o.put("type", "answered").put("callId", a.callId());
    } else if (n instanceof ClientNotification.Held h) {
      o.put("type", "held").put("callId", h.callId()).put("by", lower(h.by().name()));
    } else if (n instanceof ClientNotification.Resumed r) {
      o.put("type", "resumed").put("callId", r.callId()).put("by", lower(r.by().name()));
    } else if (n instanceof ClientNotification.DtmfReceived d) {
      o.put("type", "dtmf").put("callId", d.callId()).put("digit", d.digit());
    } else if (n instanceof ClientNotification.Transferred t) {
      o.put("type", "transferred").put("callId", t.callId()).put("to", t.target());
    } else if (n instanceof ClientNotification.TransferFailed t) {
      o.put("type", "transfer-failed").put("callId", t.callId()).put("status", t.status());
    } else if (n instanceof ClientNotification.PartyInvited p) {
      o.put("type", "party-invited").put("callId", p.callId()).put("party", p.party())
          .put("peer", p.peer());
    } else if (n instanceof ClientNotification.PartyJoined p) {
      o.put("type", "party-joined").put("callId", p.callId()).put("party", p.party())
          .put("peer", p.peer());
    } else if (n instanceof ClientNotification.PartyLeft p) {
      o.put("type", "party-left").put("callId", p.callId()).put("party", p.party())
          .put("peer", p.peer()).put("sipStatus", p.sipStatus());
    } else if (n instanceof ClientNotification.Ended e) {
      o.put("type", "ended").put("callId", e.callId()).put("cause", cause(e.cause()))
          .put("reason", e.cause().description()).put("sipStatus", e.sipStatus());
    } else if (n instanceof ClientNotification.OfflineCallNotice c) {
      o.put("type", "offline-call").put("callId", c.callId()).put("from", c.caller().address())
          .put("until", c.parkDeadline().toString());
    } else if (n instanceof ClientNotification.SessionReplaced s) {
      o.put("type", "session-replaced").put("reason", s.reason());
    }
    return o.toString();
  }

  /** no-answer, callee-offline, local-hangup...: the end cause as clients see it. */
  static String cause(EndCause c) {
    return lower(c.name()).replace('_', '-');
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
