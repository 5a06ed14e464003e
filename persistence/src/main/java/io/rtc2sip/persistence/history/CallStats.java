package io.rtc2sip.persistence.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cluster-wide call figures from the call history, for the dashboard's lists and charts. */
public final class CallStats {
  private CallStats() {}

  /** Calls not ended yet that started after {@code since}, newest first. */
  public static List<CallRecords.CallRecord> active(Connection db, Instant since, int limit)
      throws SQLException {
    List<CallRecords.CallRecord> all = CallRecords.search(db,
        new CallRecords.Query(null, null, null, since, null, null, null, 10_000));
    List<CallRecords.CallRecord> out = new ArrayList<>();
    for (CallRecords.CallRecord c : all) {
      if (c.endedAt() == null && out.size() < limit) {
        out.add(c);
      }
    }
    return out;
  }

  /** Call setups per {@code bucketSeconds} since {@code since}: bucket start → count. */
  public static Map<Instant, Long> setups(Connection db, Instant since, int bucketSeconds)
      throws SQLException {
    Map<Instant, Long> out = new LinkedHashMap<>();
    try (PreparedStatement st = db.prepareStatement(
        "SELECT to_timestamp(floor(extract(epoch FROM started_at) / ?) * ?) AS bucket, count(*)"
            + " FROM rtc2sip_call_history WHERE started_at >= ? GROUP BY bucket ORDER BY bucket")) {
      st.setInt(1, bucketSeconds);
      st.setInt(2, bucketSeconds);
      st.setTimestamp(3, Timestamp.from(since));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getTimestamp(1).toInstant(), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** Calls ended since {@code since} by end cause, most frequent first. */
  public static Map<String, Long> outcomes(Connection db, Instant since) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement st = db.prepareStatement(
        "SELECT end_cause, count(*) FROM rtc2sip_call_history WHERE ended_at >= ?"
            + " AND end_cause IS NOT NULL GROUP BY end_cause ORDER BY count(*) DESC, end_cause")) {
      st.setTimestamp(1, Timestamp.from(since));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }
}
