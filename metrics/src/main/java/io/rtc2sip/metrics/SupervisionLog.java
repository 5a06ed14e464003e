package io.rtc2sip.metrics;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The node's recent supervision events (a bounded ring, newest last), each also logged with the
 * subject in the MDC ({@code callId}) and counted by kind.
 */
public final class SupervisionLog {
  public static final String KIND_ENTITY_RESTART = "entity-restart";
  public static final String KIND_PERSISTENCE_FAILURE = "persistence-failure";
  public static final String KIND_ADAPTER_RESTART = "adapter-restart";
  public static final String KIND_MEMBER_UNREACHABLE = "member-unreachable";
  public static final String KIND_MEMBER_REACHABLE = "member-reachable";
  public static final String KIND_MEMBER_REMOVED = "member-removed";
  public static final String KIND_JOURNAL_UNAVAILABLE = "journal-unavailable";
  public static final String KIND_JOURNAL_AVAILABLE = "journal-available";

  private static final Logger log = LoggerFactory.getLogger(SupervisionLog.class);

  private final String node;
  private final Clock clock;
  private final int capacity;
  private final BiConsumer<String, String> counted;
  private final Deque<SupervisionEvent> events = new ArrayDeque<>();

  /**
   * @param counted told (kind, subject) of every event, for the metrics
   */
  SupervisionLog(String node, Clock clock, int capacity, BiConsumer<String, String> counted) {
    this.node = node;
    this.clock = clock;
    this.capacity = capacity;
    this.counted = counted;
  }

  /** Records an event: logged at WARN with {@code subject} as the call id, kept and counted. */
  public void record(String kind, String subject, String detail) {
    SupervisionEvent event = new SupervisionEvent(clock.instant(), node, kind, subject, detail);
    String previous = MDC.get("callId");
    MDC.put("callId", subject);
    try {
      log.warn("supervision: {} of {}: {}", kind, subject, detail);
    } finally {
      if (previous == null) {
        MDC.remove("callId");
      } else {
        MDC.put("callId", previous);
      }
    }
    synchronized (events) {
      if (events.size() == capacity) {
        events.removeFirst();
      }
      events.addLast(event);
    }
    counted.accept(kind, subject);
  }

  /** The events kept, oldest first. */
  public List<SupervisionEvent> recent() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }
}
