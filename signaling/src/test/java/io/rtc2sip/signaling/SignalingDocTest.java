package io.rtc2sip.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.port.ClientNotification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/signaling.md and the code agree: every client example is accepted by the decoder, every
 * request type and every notification has an example, and each notification example has exactly
 * the fields the server renders.
 */
class SignalingDocTest {
  private static final Pattern BLOCK = Pattern.compile("```json (client|server)\\n(.*?)\\n```",
      Pattern.DOTALL);

  private static Map<String, List<String>> examples() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "signaling.md"));
    Map<String, List<String>> out = new HashMap<>(Map.of("client", new ArrayList<>(),
        "server", new ArrayList<>()));
    Matcher m = BLOCK.matcher(doc);
    while (m.find()) {
      out.get(m.group(1)).add(m.group(2).trim());
    }
    return out;
  }

  @Test
  void everyClientExampleIsAcceptedAndEveryRequestTypeHasOne() throws Exception {
    Set<String> types = new HashSet<>();
    for (String example : examples().get("client")) {
      Object parsed = Protocol.parse(example);
      Protocol.Request r = assertInstanceOf(Protocol.Request.class, parsed, example);
      types.add(r.type());
    }
    assertEquals(Protocol.REQUESTS.keySet(), types);
  }

  @Test
  void everyNotificationExampleHasTheRenderedFields() throws Exception {
    Party sip = Party.sip("sip:x@y");
    List<ClientNotification> all = List.of(
        new ClientNotification.IncomingCall("u", "i-1", sip, "c", "127.0.0.1:7072"),
        new ClientNotification.RtcMoved("u", "o-1", "127.0.0.1:7082", false),
        new ClientNotification.Ringing("u", "o-1", false),
        new ClientNotification.Answered("u", "o-1"),
        new ClientNotification.Held("u", "o-1", HoldSide.SIP),
        new ClientNotification.Resumed("u", "o-1", HoldSide.SIP),
        new ClientNotification.DtmfReceived("u", "o-1", "5"),
        new ClientNotification.Transferred("u", "o-1", "sip:t@y"),
        new ClientNotification.TransferFailed("u", "o-1", 486),
        new ClientNotification.PartyInvited("u", "o-1", 2, "sip:t@y"),
        new ClientNotification.PartyJoined("u", "o-1", 2, "sip:t@y"),
        new ClientNotification.PartyLeft("u", "o-1", 2, "sip:t@y", 200),
        new ClientNotification.Ended("u", "o-1", EndCause.NO_ANSWER, 408),
        new ClientNotification.OfflineCallNotice("u", "i-1", sip, Instant.EPOCH),
        new ClientNotification.SessionReplaced("u", "n", "c", "r"));
    Map<String, Set<String>> rendered = new HashMap<>();
    for (ClientNotification n : all) {
      JsonNode j = Protocol.JSON.readTree(Protocol.render(n));
      rendered.put(j.get("type").asText(), fields(j));
    }
    Set<String> documented = new HashSet<>();
    for (String example : examples().get("server")) {
      JsonNode j = Protocol.JSON.readTree(example);
      String type = j.get("type").asText();
      assertTrue(rendered.containsKey(type) || Set.of("result", "error", "pong").contains(type),
          "unknown server message type in the document: " + type);
      if (rendered.containsKey(type)) {
        assertEquals(rendered.get(type), fields(j), "fields of " + type);
        documented.add(type);
      }
    }
    assertEquals(rendered.keySet(), documented, "every notification is documented");
  }

  @Test
  void everyErrorCodeIsListedAndEveryErrorExampleUsesOne() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "signaling.md"));
    for (String code : Protocol.ERROR_CODES) {
      assertTrue(doc.contains("`" + code + "`"), "error code not in docs/signaling.md: " + code);
    }
    for (String example : examples().get("server")) {
      JsonNode j = Protocol.JSON.readTree(example);
      if (j.get("type").asText().equals("error")) {
        assertTrue(Protocol.ERROR_CODES.contains(j.get("code").asText()), example);
      }
    }
  }

  @Test
  void everyDialPlanRefusalHasAnErrorExample() throws Exception {
    Set<String> codes = new HashSet<>();
    for (String example : examples().get("server")) {
      JsonNode j = Protocol.JSON.readTree(example);
      if (j.get("type").asText().equals("error")) {
        codes.add(j.get("code").asText());
      }
    }
    for (String code : List.of(DialPlan.FORBIDDEN_DESTINATION, DialPlan.TOO_MANY_CALLS,
        DialPlan.CALL_RATE_EXCEEDED)) {
      assertTrue(codes.contains(code), "no error example with code " + code);
    }
  }

  @Test
  void everyEndCauseIsListed() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "signaling.md"));
    for (EndCause c : EndCause.values()) {
      assertTrue(doc.contains("`" + Protocol.cause(c) + "`"), Protocol.cause(c));
    }
  }

  private static Set<String> fields(JsonNode j) {
    Set<String> f = new HashSet<>();
    for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
      f.add(it.next());
    }
    return f;
  }
}
