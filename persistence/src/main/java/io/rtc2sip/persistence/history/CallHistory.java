package io.rtc2sip.persistence.history;

import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallEvent;
import io.rtc2sip.actors.call.CallReplay;
import io.rtc2sip.actors.call.CallState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.serialization.Serialization;

/**
 * A call's history straight from the journal: its events in order, with the time and the node
 * that wrote each (the {@code node:} tag), replayed through the entity's own event handler, so
 * the states shown are exactly those the entity recovers to.
 */
public final class CallHistory {

  /** One step of a call's timeline. */
  public record Step(long sequenceNr, Instant written, String node, CallEvent event,
      CallState before, CallState after) {}

  private final Serialization serialization;

  public CallHistory(Serialization serialization) {
    this.serialization = serialization;
  }

  /** The timeline of {@code callId}; empty when the journal has no such call. */
  public List<Step> timeline(Connection db, String callId) throws SQLException {
    List<CallEvent> events = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    List<String> nodes = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(
        "SELECT j.write_timestamp, j.event_ser_id, j.event_ser_manifest, j.event_payload,"
            + " (SELECT min(t.tag) FROM event_tag t WHERE t.event_id = j.ordering"
            + "   AND t.tag LIKE 'node:%') AS node"
            + " FROM event_journal j WHERE j.persistence_id = ? AND NOT j.deleted"
            + " ORDER BY j.sequence_number")) {
      st.setString(1, CallEntity.TYPE_KEY.name() + "|" + callId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Object event = serialization.deserialize(rs.getBytes(4), rs.getInt(2), rs.getString(3))
              .get();
          events.add((CallEvent) event);
          times.add(Instant.ofEpochMilli(rs.getLong(1)));
          String node = rs.getString(5);
          nodes.add(node == null ? "" : node.substring(CallEntity.NODE_TAG_PREFIX.length()));
        }
      }
    }
    List<CallReplay.Step> replayed = CallReplay.replay(events);
    List<Step> steps = new ArrayList<>(replayed.size());
    for (int i = 0; i < replayed.size(); i++) {
      CallReplay.Step r = replayed.get(i);
      steps.add(new Step(r.sequenceNr(), times.get(i), nodes.get(i), r.event(), r.before(),
          r.after()));
    }
    return steps;
  }

  /** The state after the last step written at or before {@code at} (Idle before the first). */
  public static CallState stateAt(List<Step> steps, Instant at) {
    CallState state = CallState.Idle.INSTANCE;
    for (Step s : steps) {
      if (s.written().isAfter(at)) {
        break;
      }
      state = s.after();
    }
    return state;
  }
}
