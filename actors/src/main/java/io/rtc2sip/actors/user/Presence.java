package io.rtc2sip.actors.user;

import io.rtc2sip.actors.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A user's presence, the answer to {@link UserCommand.GetPresence}.
 *
 * @param online whether a signaling connection is logged in
 * @param node cluster node address of that connection (null when offline)
 * @param connectionId the connection (null when offline)
 * @param sipRegistered whether the user wants to be registered as a SIP extension
 * @param calls ids of the user's current calls
 * @param parkedCalls ids of inbound calls waiting for the user to log in
 * @param since when the user last went online or offline (null if never seen)
 */
public record Presence(
    String uid,
    boolean online,
    String node,
    String connectionId,
    boolean sipRegistered,
    List<String> calls,
    List<String> parkedCalls,
    Instant since)
    implements CborSerializable {

  public Presence {
    calls = List.copyOf(calls);
    parkedCalls = List.copyOf(parkedCalls);
  }
}
