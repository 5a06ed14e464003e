package io.rtc2sip.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SIP messages of the node's most recent calls, for the dashboard's drill-down: at most
 * {@code calls} calls (least recently active dropped first), {@code perCall} messages each,
 * each cut to {@code maxChars}.
 */
public final class SipTrace {
  /** One message as the node sent or received it. */
  public record Message(Instant at, boolean sent, String from, String to, String text) {}

  private final int perCall;
  private final int maxChars;
  private final Map<String, List<Message>> byCall;

  SipTrace(int calls, int perCall, int maxChars) {
    this.perCall = perCall;
    this.maxChars = maxChars;
    this.byCall = new LinkedHashMap<>(calls * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, List<Message>> eldest) {
        return size() > calls;
      }
    };
  }

  /** Keeps a message of call {@code callId} (ignored without a call id). */
  public void add(String callId, Instant at, boolean sent, String from, String to, String text) {
    if (callId == null || callId.isEmpty()) {
      return;
    }
    String kept = text.length() > maxChars ? text.substring(0, maxChars) + "\n[…]" : text;
    synchronized (byCall) {
      List<Message> list = byCall.computeIfAbsent(callId, k -> new ArrayList<>());
      if (list.size() < perCall) {
        list.add(new Message(at, sent, from, to, kept));
      }
    }
  }

  /** The messages of {@code callId} kept on this node, in order; empty when none. */
  public List<Message> of(String callId) {
    synchronized (byCall) {
      List<Message> list = byCall.get(callId);
      return list == null ? List.of() : List.copyOf(list);
    }
  }
}
