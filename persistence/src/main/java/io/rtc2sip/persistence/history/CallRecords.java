package io.rtc2sip.persistence.history;

import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallEvent;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.Party;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The call-history read side in PostgreSQL: one row per call ({@code rtc2sip_call_history}),
 * kept up to date from the journal's {@code call}-tagged events, and the offset up to which the
 * journal has been applied ({@code rtc2sip_projection_offset}).
 *
 * <p>A batch of events and the new offset are written in one transaction, so after a crash the
 * projection resumes exactly where the last committed batch ended. Each row also remembers the
 * sequence number of the last event applied to it and ignores older ones, so replaying a batch
 * (a second projector, a restored offset) cannot count an event twice.
 */
public final class CallRecords {
  /** The offset row of the call-history projection. */
  public static final String PROJECTION = "call-history";

  private static final String PERSISTENCE_ID_PREFIX = CallEntity.TYPE_KEY.name() + "|";

  private static final List<String> DDL = List.of(
      """
      CREATE TABLE IF NOT EXISTS rtc2sip_call_history (
        call_id TEXT PRIMARY KEY,
        direction TEXT,
        uid TEXT,
        caller TEXT,
        callee TEXT,
        sip_party TEXT,
        sip_user TEXT,
        started_at TIMESTAMPTZ,
        answered_at TIMESTAMPTZ,
        ended_at TIMESTAMPTZ,
        end_cause TEXT,
        sip_status INT,
        end_reason TEXT,
        last_event TEXT NOT NULL,
        nodes TEXT[] NOT NULL DEFAULT '{}',
        events INT NOT NULL,
        last_seq BIGINT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL)""",
      "CREATE INDEX IF NOT EXISTS rtc2sip_call_history_uid ON rtc2sip_call_history (uid, started_at)",
      "CREATE INDEX IF NOT EXISTS rtc2sip_call_history_sip_user"
          + " ON rtc2sip_call_history (sip_user, started_at)",
      "CREATE INDEX IF NOT EXISTS rtc2sip_call_history_started ON rtc2sip_call_history (started_at)",
      "CREATE INDEX IF NOT EXISTS rtc2sip_call_history_cause"
          + " ON rtc2sip_call_history (end_cause, started_at)",
      "CREATE INDEX IF NOT EXISTS rtc2sip_call_history_nodes"
          + " ON rtc2sip_call_history USING GIN (nodes)",
      """
      CREATE TABLE IF NOT EXISTS rtc2sip_projection_offset (
        projection TEXT PRIMARY KEY,
        ordering BIGINT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL)""");

  private static final String UPSERT = """
      INSERT INTO rtc2sip_call_history AS h (call_id, direction, uid, caller, callee, sip_party,
        sip_user, started_at, answered_at, ended_at, end_cause, sip_status, end_reason,
        last_event, nodes, events, last_seq, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, now())
      ON CONFLICT (call_id) DO UPDATE SET
        direction = COALESCE(EXCLUDED.direction, h.direction),
        uid = COALESCE(EXCLUDED.uid, h.uid),
        caller = COALESCE(EXCLUDED.caller, h.caller),
        callee = COALESCE(EXCLUDED.callee, h.callee),
        sip_party = COALESCE(EXCLUDED.sip_party, h.sip_party),
        sip_user = COALESCE(EXCLUDED.sip_user, h.sip_user),
        started_at = COALESCE(EXCLUDED.started_at, h.started_at),
        answered_at = COALESCE(EXCLUDED.answered_at, h.answered_at),
        ended_at = COALESCE(EXCLUDED.ended_at, h.ended_at),
        end_cause = COALESCE(EXCLUDED.end_cause, h.end_cause),
        sip_status = COALESCE(EXCLUDED.sip_status, h.sip_status),
        end_reason = COALESCE(EXCLUDED.end_reason, h.end_reason),
        last_event = EXCLUDED.last_event,
        nodes = CASE WHEN cardinality(EXCLUDED.nodes) = 0 OR EXCLUDED.nodes[1] = ANY (h.nodes)
                THEN h.nodes ELSE h.nodes || EXCLUDED.nodes END,
        events = h.events + 1,
        last_seq = EXCLUDED.last_seq,
        updated_at = now()
      WHERE h.last_seq < EXCLUDED.last_seq""";

  private CallRecords() {}

  /** One event of the journal, as the projection reads it. */
  public record JournalEvent(long ordering, String persistenceId, long sequenceNr,
      CallEvent event) {}

  /**
   * Creates the tables and indexes if they are missing; safe on every start, from any node, and
   * from nodes starting together (under the schema lock).
   */
  public static void createTables(Connection db) throws SQLException {
    io.rtc2sip.persistence.JournalSchema.runLocked(db, DDL);
  }

  /** The journal ordering up to which {@code projection} has applied events (0: none). */
  public static long offset(Connection db, String projection) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(
        "SELECT ordering FROM rtc2sip_projection_offset WHERE projection = ?")) {
      st.setString(1, projection);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }

  /**
   * Applies {@code events} (in journal order) and moves the offset of {@code projection} to the
   * last one, in one transaction.
   */
  public static void apply(Connection db, String projection, List<JournalEvent> events)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    boolean autoCommit = db.getAutoCommit();
    db.setAutoCommit(false);
    try {
      Map<Long, String> nodes = nodeTags(db, events);
      try (PreparedStatement st = db.prepareStatement(UPSERT)) {
        for (JournalEvent e : events) {
          if (!e.persistenceId().startsWith(PERSISTENCE_ID_PREFIX)) {
            continue;
          }
          bind(db, st, e, nodes.get(e.ordering()));
          st.addBatch();
        }
        st.executeBatch();
      }
      try (PreparedStatement st = db.prepareStatement(
          "INSERT INTO rtc2sip_projection_offset (projection, ordering, updated_at)"
              + " VALUES (?, ?, now()) ON CONFLICT (projection) DO UPDATE"
              + " SET ordering = EXCLUDED.ordering, updated_at = now()"
              + " WHERE rtc2sip_projection_offset.ordering < EXCLUDED.ordering")) {
        st.setString(1, projection);
        st.setLong(2, events.get(events.size() - 1).ordering());
        st.executeUpdate();
      }
      db.commit();
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(autoCommit);
    }
  }

  /** The node that wrote each event: its {@code node:} tag in the journal, by ordering. */
  private static Map<Long, String> nodeTags(Connection db, List<JournalEvent> events)
      throws SQLException {
    Long[] orderings = events.stream().map(JournalEvent::ordering).toArray(Long[]::new);
    Map<Long, String> out = new HashMap<>();
    try (PreparedStatement st = db.prepareStatement(
        "SELECT event_id, tag FROM event_tag WHERE event_id = ANY (?) AND tag LIKE ?")) {
      st.setArray(1, db.createArrayOf("bigint", orderings));
      st.setString(2, CallEntity.NODE_TAG_PREFIX + "%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), rs.getString(2).substring(CallEntity.NODE_TAG_PREFIX.length()));
        }
      }
    }
    return out;
  }

  private static void bind(Connection db, PreparedStatement st, JournalEvent e, String node)
      throws SQLException {
    for (int i = 2; i <= 13; i++) {
      st.setNull(i, i >= 8 && i <= 10 ? Types.TIMESTAMP_WITH_TIMEZONE
          : i == 12 ? Types.INTEGER : Types.VARCHAR);
    }
    st.setString(1, e.persistenceId().substring(PERSISTENCE_ID_PREFIX.length()));
    CallEvent event = e.event();
    if (event instanceof CallEvent.CallDialed d) {
      started(st, CallDirection.OUTBOUND, d.rtc().uid(), d.caller(), d.callee(), d.callee(),
          d.at());
    } else if (event instanceof CallEvent.CallReceived r) {
      started(st, CallDirection.INBOUND, r.rtc().uid(), r.caller(), r.callee(), r.caller(),
          r.at());
    } else if (event instanceof CallEvent.CallAnswered a) {
      st.setTimestamp(9, Timestamp.from(a.at()));
    } else if (event instanceof CallEvent.CallTransferCompleted t) {
      sipParty(st, t.party());
    } else if (event instanceof CallEvent.CallDialogReplaced r) {
      sipParty(st, r.party()); // an INVITE with Replaces took the call over
    } else if (event instanceof CallEvent.CallEnded end) {
      st.setTimestamp(10, Timestamp.from(end.at()));
      st.setString(11, end.cause().name());
      st.setInt(12, end.sipStatus());
      st.setString(13, end.reason());
    }
    st.setString(14, e.event().getClass().getSimpleName());
    Array nodes = db.createArrayOf("text",
        node == null || node.isEmpty() ? new String[0] : new String[] {node});
    st.setArray(15, nodes);
    st.setLong(16, e.sequenceNr());
  }

  private static void started(PreparedStatement st, CallDirection direction, String uid,
      Party caller, Party callee, Party sip, Instant at) throws SQLException {
    st.setString(2, direction.name());
    st.setString(3, uid);
    st.setString(4, caller.address());
    st.setString(5, callee.address());
    sipParty(st, sip);
    st.setTimestamp(8, Timestamp.from(at));
  }

  private static void sipParty(PreparedStatement st, Party party) throws SQLException {
    st.setString(6, party.address());
    st.setString(7, sipUser(party.address()));
  }

  /** The user part of a SIP URI ({@code sip:+4930123@pbx} → {@code +4930123}), else the text. */
  static String sipUser(String address) {
    String s = address;
    int colon = s.indexOf(':');
    if (s.startsWith("sip:") || s.startsWith("sips:") || s.startsWith("tel:")) {
      s = s.substring(colon + 1);
    }
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    int semi = s.indexOf(';');
    return semi >= 0 ? s.substring(0, semi) : s;
  }

  /** Deletes the rows of calls that ended before {@code cutoff}; how many were deleted. */
  public static int deleteEndedBefore(Connection db, Instant cutoff) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(
        "DELETE FROM rtc2sip_call_history WHERE ended_at < ?")) {
      st.setTimestamp(1, Timestamp.from(cutoff));
      return st.executeUpdate();
    }
  }

  /** One call as the history shows it. */
  public record CallRecord(String callId, String direction, String uid, String caller,
      String callee, String sipParty, Instant startedAt, Instant answeredAt, Instant endedAt,
      String endCause, Integer sipStatus, String endReason, String lastEvent, List<String> nodes,
      int events) {}

  /**
   * What to look for; null fields match everything.
   *
   * @param sipNumber the SIP party's user part (e.g. a phone number) or its whole URI
   * @param node the cluster address of a node that wrote any event of the call
   */
  public record Query(String callId, String uid, String sipNumber, Instant since, Instant until,
      String endCause, String node, int limit) {
    public Query {
      if (limit <= 0 || limit > 10_000) {
        throw new IllegalArgumentException("limit must be between 1 and 10000, not " + limit);
      }
    }
  }

  /** The calls matching {@code q}, newest first. */
  public static List<CallRecord> search(Connection db, Query q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT call_id, direction, uid, caller, callee,"
        + " sip_party, started_at, answered_at, ended_at, end_cause, sip_status, end_reason,"
        + " last_event, nodes, events FROM rtc2sip_call_history WHERE true");
    List<Object> args = new ArrayList<>();
    if (q.callId() != null) {
      sql.append(" AND call_id = ?");
      args.add(q.callId());
    }
    if (q.uid() != null) {
      sql.append(" AND uid = ?");
      args.add(q.uid());
    }
    if (q.sipNumber() != null) {
      sql.append(" AND (sip_user = ? OR sip_party = ?)");
      args.add(q.sipNumber());
      args.add(q.sipNumber());
    }
    if (q.since() != null) {
      sql.append(" AND started_at >= ?");
      args.add(Timestamp.from(q.since()));
    }
    if (q.until() != null) {
      sql.append(" AND started_at < ?");
      args.add(Timestamp.from(q.until()));
    }
    if (q.endCause() != null) {
      sql.append(" AND end_cause = ?");
      args.add(q.endCause());
    }
    if (q.node() != null) {
      sql.append(" AND ? = ANY (nodes)");
      args.add(q.node());
    }
    sql.append(" ORDER BY started_at DESC NULLS LAST, call_id LIMIT ").append(q.limit());
    List<CallRecord> out = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Array nodes = rs.getArray(14);
          out.add(new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6), instant(rs, 7), instant(rs, 8),
              instant(rs, 9), rs.getString(10), (Integer) rs.getObject(11), rs.getString(12),
              rs.getString(13), List.of((String[]) nodes.getArray()), rs.getInt(15)));
        }
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
