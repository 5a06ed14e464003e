package io.rtc2sip.actors.user;

import io.rtc2sip.actors.CborSerializable;
import java.time.Instant;
import java.util.List;

/** What happened to a user's presence, in the journal. */
public sealed interface UserEvent extends CborSerializable {

  Instant at();

  /**
   * A connection logged in; {@code replacedConnectionId} is the connection it took over (null if
   * none); {@code releasedCalls} are the parked calls that now proceed to alerting.
   */
  record LoggedIn(
      String node,
      String connectionId,
      String replacedConnectionId,
      List<String> releasedCalls,
      Instant at)
      implements UserEvent {
    public LoggedIn {
      releasedCalls = releasedCalls == null ? List.of() : List.copyOf(releasedCalls);
    }
  }

  /** The current connection logged out or was lost ({@code reason}). */
  record LoggedOut(String connectionId, String reason, Instant at) implements UserEvent {}

  /** The user's SIP registration wish changed. */
  record SipRegistrationChanged(boolean wanted, Instant at) implements UserEvent {}

  /** A call of the user started (outbound) or was routed to the online user (inbound). */
  record CallJoined(String callId, Instant at) implements UserEvent {}

  /**
   * A call the user placed was admitted under its dial plan's limits: it counts against them
   * until it leaves ({@link CallLeft}).
   */
  record CallAdmitted(String callId, Instant at) implements UserEvent {}

  /**
   * The user added party {@code party} to its call {@code callId} (a conference), admitted under
   * its dial plan's per-minute limit: it counts in the minute's window like a placed call (the
   * concurrent limit counts calls, and {@code conference-parties} bounds the parties of each).
   */
  record PartyAdmitted(String callId, int party, Instant at) implements UserEvent {}

  /** An inbound call waits for the offline user. */
  record CallParked(String callId, Instant at) implements UserEvent {}

  /** A call of the user ended (current or parked). */
  record CallLeft(String callId, Instant at) implements UserEvent {}
}
