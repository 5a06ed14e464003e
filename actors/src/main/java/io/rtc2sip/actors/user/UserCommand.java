package io.rtc2sip.actors.user;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.Party;
import org.apache.pekko.actor.typed.ActorRef;

/** What a {@link UserSession} (one per RTC uid) understands. */
public sealed interface UserCommand extends CborSerializable {

  /**
   * The user's signaling connection {@code connectionId} on cluster node {@code node} (address
   * string) logged in. A login with another connection takes over: the old connection is told
   * why through the clients port.
   */
  record Login(String node, String connectionId, ActorRef<UserReply> replyTo)
      implements UserCommand {}

  /** The user logged out on {@code connectionId}. */
  record Logout(String connectionId, ActorRef<UserReply> replyTo) implements UserCommand {}

  /** The signaling adapter lost {@code connectionId} (ignored if it is no longer the current). */
  record ConnectionLost(String connectionId) implements UserCommand {}

  /** The user wants (or no longer wants) to be registered as a SIP extension. */
  record Register(boolean wanted, ActorRef<UserReply> replyTo) implements UserCommand {}

  /** A call of this user started (an outbound call it placed). */
  record CallStarted(String callId) implements UserCommand {}

  /**
   * The user placed call {@code callId}: may it start, under the user's concurrent-call and
   * per-minute limits? The answer ({@link CallCommand.PlacementAllowed} or {@link
   * CallCommand.PlacementRefused}) goes to {@code replyTo} (the call); an allowed call is counted
   * until it ends.
   */
  record AdmitCall(String callId, ActorRef<CallCommand.PlacementDecision> replyTo)
      implements UserCommand {}

  /**
   * The user adds party {@code party} to its call {@code callId}: may it, under the user's
   * per-minute limit (a party is one more leg through the trunk)? {@code request} numbers the
   * call's request, which the answer repeats. The answer ({@link
   * CallCommand.PartyAllowed} or {@link CallCommand.PartyRefused}) goes to {@code replyTo}.
   */
  record AdmitParty(String callId, int party, long request,
      ActorRef<CallCommand.PartyAdmission> replyTo) implements UserCommand {}

  /**
   * What a counted call answered to {@link CallCommand.GetCall} ({@code state} as in {@link
   * io.rtc2sip.actors.call.CallView#state()}): a call found Idle or Ended is no longer counted.
   */
  record CallChecked(String callId, String state) implements UserCommand {}

  /** A call of this user ended (whatever its state, parked calls included). */
  record CallEnded(String callId) implements UserCommand {}

  /**
   * Where is the user? Asked by an inbound call; the answer goes to {@code replyTo} (the call):
   * {@link CallCommand.CalleeOnline}, {@link CallCommand.CalleeOffline} or {@link
   * CallCommand.CalleeUnknown} (a uid never seen, unless calls for it may be parked). An offline
   * answer parks the call here: the user session tells it when the user logs in.
   */
  record RouteInboundCall(
      String callId, Party caller, ActorRef<CallCommand.RouteDecision> replyTo)
      implements UserCommand {}

  /** Ask for the user's {@link Presence}. */
  record GetPresence(ActorRef<Presence> replyTo) implements UserCommand {}
}
