package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything a call understands. Three kinds:
 *
 * <ul>
 *   <li>{@link ClientCommand}: what an RTC user asks (imperative, always answered with a {@link
 *       CallReply});
 *   <li>facts reported by adapters, named {@code <Source><Fact>} ({@code Sip*}, {@code Media*},
 *       {@code Rtc*}) and by the user session ({@link RouteDecision}); never answered, a fact that
 *       does not fit the state is logged with the call id;
 *   <li>the call's own timer messages (enum singletons).
 * </ul>
 *
 * Which command is valid in which state is {@link CallTransitions}, documented in
 * docs/call-state-machine.md.
 */
public sealed interface CallCommand extends CborSerializable {

  // ---------------------------------------------------------------- client commands

  /** A request from an RTC user; {@code uid} must be the call's RTC user. */
  sealed interface ClientCommand extends CallCommand {
    String uid();

    ActorRef<CallReply> replyTo();
  }

  /**
   * Dial out: the RTC user {@code uid}, in RTC channel {@code rtcChannel}, calls SIP {@code
   * target} (a SIP URI or a number the SIP adapter's dispatch resolves). With {@code rtcOffer}
   * (a browser's WebRTC SDP offer, already checked) the RTC leg is a WebRTC leg answered by the
   * media of the call's node, and the reply carries its SDP answer. Send it to the entity id from
   * {@link CallIds#newOutbound()}.
   */
  record PlaceCall(String uid, String rtcChannel, String target, String rtcOffer,
      ActorRef<CallReply> replyTo) implements ClientCommand {
    /** A call whose RTC leg joins {@code rtcChannel} on the node's RTC network. */
    public PlaceCall(String uid, String rtcChannel, String target, ActorRef<CallReply> replyTo) {
      this(uid, rtcChannel, target, null, replyTo);
    }

    public RtcLeg rtc() {
      return new RtcLeg(rtcChannel, uid, rtcOffer != null);
    }
  }

  /**
   * Take the incoming call that is alerting; with {@code rtcOffer} (a browser's WebRTC SDP
   * offer, already checked) over a WebRTC leg, whose SDP answer the reply carries.
   */
  record Answer(String uid, String rtcOffer, ActorRef<CallReply> replyTo)
      implements ClientCommand {
    /** Answer with the RTC leg on the node's RTC network. */
    public Answer(String uid, ActorRef<CallReply> replyTo) {
      this(uid, null, replyTo);
    }
  }

  /** End the call; before answer this cancels (outbound) or declines (inbound). */
  record Hangup(String uid, ActorRef<CallReply> replyTo) implements ClientCommand {}

  /** Refuse the incoming call: 486 Busy Here when {@code busy}, else 603 Decline. */
  record Reject(String uid, boolean busy, ActorRef<CallReply> replyTo) implements ClientCommand {}

  /** Abandon the outbound call before it is answered (SIP CANCEL). */
  record Cancel(String uid, ActorRef<CallReply> replyTo) implements ClientCommand {}

  /** Put the SIP party on hold. */
  record Hold(String uid, ActorRef<CallReply> replyTo) implements ClientCommand {}

  /** Take the SIP party off hold. */
  record Unhold(String uid, ActorRef<CallReply> replyTo) implements ClientCommand {}

  /** Send DTMF digits (0-9, *, #, A-D) to the SIP side. */
  record SendDtmf(String uid, String digits, ActorRef<CallReply> replyTo)
      implements ClientCommand {}

  /**
   * Hand the SIP party over to {@code target} (SIP REFER). Blind when {@code replaces} is null;
   * attended when it names the dialog of another answered call of the user ({@code
   * replacesCall}, its call id), whose SIP party {@code target} is: the REFER's Refer-To then
   * carries that Replaces (RFC 5589 7), so the SIP party's INVITE takes that call's place.
   */
  record Transfer(String uid, String target, String replacesCall, Replaces replaces,
      ActorRef<CallReply> replyTo) implements ClientCommand {
    /** A blind transfer. */
    public Transfer(String uid, String target, ActorRef<CallReply> replyTo) {
      this(uid, target, null, null, replyTo);
    }
  }

  /**
   * A browser's new WebRTC offer ({@code rtcOffer}, already checked; an ICE restart) for its
   * call, after the call moved to another node or the browser lost its leg: the media of the
   * node running the call answers it with a new WebRTC leg and replies with the SDP answer.
   */
  record Reoffer(String uid, String rtcOffer, ActorRef<CallReply> replyTo)
      implements ClientCommand {}

  /**
   * Add {@code target} (SIP URI or number) to the answered call as one more party: a conference
   * (off unless {@code rtc2sip.call.conference} is on: rejected).
   */
  record Conference(String uid, String target, ActorRef<CallReply> replyTo)
      implements ClientCommand {}

  /** Remove party {@code party} (its number, from {@code party-invited}) from the conference. */
  record RemoveParty(String uid, int party, ActorRef<CallReply> replyTo)
      implements ClientCommand {}

  // ---------------------------------------------------------------- query

  /** Ask for the call's {@link CallView}; never changes anything, valid in every state. */
  record GetCall(ActorRef<CallView> replyTo) implements CallCommand {}

  // ---------------------------------------------------------------- SIP facts

  /**
   * A new INVITE arrived for RTC user {@code calleeUid}. Send it to the entity id {@link
   * CallIds#forInbound}(Call-ID, From-tag); {@code dialog} holds the peer's tag as remote tag and
   * our To-tag as local tag.
   */
  record SipInviteReceived(SipDialog dialog, Party caller, String calleeUid, NegotiatedMedia offer)
      implements CallCommand {}

  /** A provisional response to our INVITE (180, 183); {@code earlyMedia} null without SDP. */
  record SipProvisional(int status, String remoteTag, NegotiatedMedia earlyMedia)
      implements CallCommand {}

  /**
   * 2xx to our INVITE: the peer's tag, Contact, Record-Route set and the negotiated media; the
   * session interval when it makes us refresher; the CSeq of the INVITE it answers (higher than
   * the dialog's first when a digest challenge was answered with a new INVITE; 0 if unknown), or
   * of our last PRACK in the dialog when that is higher: the dialog's next request goes above it.
   */
  record SipAnswered(
      String remoteTag, String remoteTarget, List<String> routeSet, NegotiatedMedia media,
      int sessionRefreshSeconds, long inviteCseq)
      implements CallCommand {
    public SipAnswered {
      routeSet = routeSet == null ? List.of() : List.copyOf(routeSet);
    }

    /** A 2xx that does not make us the refresher of session timers. */
    public SipAnswered(String remoteTag, String remoteTarget, List<String> routeSet,
        NegotiatedMedia media) {
      this(remoteTag, remoteTarget, routeSet, media, 0, 0);
    }

    /** A 2xx to the INVITE as first sent (no challenge answered in between). */
    public SipAnswered(String remoteTag, String remoteTarget, List<String> routeSet,
        NegotiatedMedia media, int sessionRefreshSeconds) {
      this(remoteTag, remoteTarget, routeSet, media, sessionRefreshSeconds, 0);
    }
  }

  /** A final failure response (300-699) to our INVITE. */
  record SipFailed(int status, String reason) implements CallCommand {}

  /**
   * The peer sent BYE (the adapter answered 200) in the dialog with SIP Call-ID {@code sipCallId}
   * (a call can have two dialogs while a transfer is under way).
   */
  record SipByeReceived(String sipCallId, long cseq, String reason) implements CallCommand {}

  /** The caller sent CANCEL for its pending INVITE (the adapter answered 200 and 487). */
  record SipCancelled(String reason) implements CallCommand {}

  /** The peer put us on hold (re-INVITE with a sendonly or inactive offer, already answered). */
  record SipRemoteHold(long cseq) implements CallCommand {}

  /** The peer resumed (re-INVITE with a sendrecv offer, already answered). */
  record SipRemoteResume(long cseq) implements CallCommand {}

  /** Our re-INVITE failed with this status (491: glare; 408/481: the dialog is gone). */
  record SipReinviteFailed(int status) implements CallCommand {}

  /** The peer asks us to transfer the call to {@code referTo} (REFER, already answered 202). */
  record SipReferReceived(long cseq, String referTo, String referredBy) implements CallCommand {}

  /**
   * Progress of the transfer we asked for: the final response to our REFER when it failed, or
   * the status in a NOTIFY message/sipfrag body.
   */
  record SipTransferProgress(int status) implements CallCommand {}

  // ---------------------------------------------------------------- media and RTC facts

  /** Media is flowing on the SIP side (RTP received). */
  enum MediaStarted implements CallCommand {
    INSTANCE
  }

  /** No RTP for the media timeout while media should flow. */
  enum MediaTimeout implements CallCommand {
    INSTANCE
  }

  /**
   * The caller never acknowledged our 2xx: retransmitted for 64*T1 without an ACK (RFC 3261
   * 13.3.1.4), so the session is to end with a BYE.
   */
  enum SipAckTimeout implements CallCommand {
    INSTANCE
  }

  /** The SIP side sent a DTMF digit (RFC 4733 or SIP INFO). */
  record MediaDtmfReceived(String digit, int durationMs) implements CallCommand {}

  /** The RTC user left the call's RTC channel (or its browser went away). */
  record RtcPeerLeft(String uid) implements CallCommand {}

  /** The call's WebRTC leg never connected or broke (ICE, DTLS); {@code reason} says how. */
  record RtcMediaFailed(String reason) implements CallCommand {}

  // ---------------------------------------------------------------- from the user session

  /** The user session's answer to "where is the callee?" (and its news when it logs in). */
  sealed interface RouteDecision extends CallCommand {
    String uid();
  }

  /** The callee is online, its signaling connection is {@code connectionId} on {@code node}. */
  record CalleeOnline(String uid, String node, String connectionId) implements RouteDecision {}

  /** The callee is offline; the user session remembers the call as parked. */
  record CalleeOffline(String uid) implements RouteDecision {}

  /** No such RTC user: it never logged in here (the call is rejected with 404). */
  record CalleeUnknown(String uid) implements RouteDecision {}

  /**
   * The user session's answer to {@link io.rtc2sip.actors.user.UserCommand.AdmitCall}: may the
   * user start the call it placed (its concurrent-call and per-minute limits)?
   */
  sealed interface PlacementDecision extends CallCommand {
    String uid();
  }

  /** The user may start the call: the user session counts it. */
  record PlacementAllowed(String uid) implements PlacementDecision {}

  /**
   * The call may not start: {@code code} ({@code too-many-calls}, {@code call-rate-exceeded},
   * or {@code unavailable} when the user session did not answer in time) and why.
   */
  record PlacementRefused(String uid, String code, String reason) implements PlacementDecision {}

  /**
   * The user session's answer to {@link io.rtc2sip.actors.user.UserCommand.AdmitParty}: may the
   * user add party {@code party} to its conference (its per-minute limit)?
   */
  sealed interface PartyAdmission extends CallCommand {
    int party();

    /** The number the call gave the request this answers (a late answer names an older one). */
    long request();
  }

  /** The party may be invited: the user session counted it. */
  record PartyAllowed(int party, long request) implements PartyAdmission {}

  /**
   * The party may not be invited: {@code code} ({@code call-rate-exceeded}, or {@code
   * unavailable} when the user session did not answer in time) and why.
   */
  record PartyRefused(int party, long request, String code, String reason)
      implements PartyAdmission {}

  // ---------------------------------------------------------------- from the push service

  /** How a push attempt ended, as the push service judged it. */
  enum PushOutcome {
    /** The push receiver took it (2xx). */
    DELIVERED,
    /** Worth another attempt (5xx, 408, 429, timeout, connection error) after {@code retryIn}. */
    RETRY,
    /** Not worth another attempt (another 4xx, or the last attempt allowed failed). */
    FAILED
  }

  /**
   * The push service's report of attempt {@code attempt} of the call's push ({@link
   * io.rtc2sip.actors.port.PushCommand.Notify}): the receiver's HTTP {@code status} (0 when
   * there was none) or the {@code error} (null when there was a status), how long it took, and
   * the wait before the next attempt ({@code retryIn}, only with {@link PushOutcome#RETRY}).
   */
  record PushAttemptFinished(int attempt, int status, String error, long latencyMillis,
      PushOutcome outcome, java.time.Duration retryIn) implements CallCommand {}

  // ---------------------------------------------------------------- the call's own messages

  /** Timer: the call rang for {@code no-answer-timeout}. */
  enum NoAnswerTimeout implements CallCommand {
    INSTANCE
  }

  /** Timer: the offline callee did not log in within {@code park-timeout}. */
  enum ParkTimeout implements CallCommand {
    INSTANCE
  }

  /** Timer: no final response to our INVITE within {@code cancel-timeout} after CANCEL. */
  enum CancelTimeout implements CallCommand {
    INSTANCE
  }

  /** Timer: the wait before the next attempt of a parked call's push has passed. */
  enum PushRetryDue implements CallCommand {
    INSTANCE
  }

  /** Timer: retry the re-INVITE that met a 491 (RFC 3261 section 14.1). */
  enum ReinviteRetry implements CallCommand {
    INSTANCE
  }

  /** Timer: we are the session-timer refresher (RFC 4028) and half the interval has passed. */
  enum SessionRefreshDue implements CallCommand {
    INSTANCE
  }

  /**
   * Sent to itself by a call recovered after its end was carried out on the wire while the
   * journal database was unavailable ({@link UnwrittenEnds}): write that end now.
   */
  record WriteEnd(CallEvent.CallEnded end) implements CallCommand {}

  /** Sent to itself by a call recovered in an established state: rebuild media on this node. */
  enum Reanchor implements CallCommand {
    INSTANCE
  }

  // ---------------------------------------------------------------- attended transfer

  /**
   * An INVITE with Replaces (RFC 3891) for this call (the call its {@code replaces} names; the
   * adapter holds the INVITE pending): SIP party {@code party}, in the new {@code dialog} (its
   * tag remote, ours local), with its {@code offer}, is to take the place of the call's SIP
   * party when {@code replaces} names the call's confirmed dialog.
   */
  record SipReplacingInviteReceived(SipDialog dialog, Party party, NegotiatedMedia offer,
      Replaces replaces) implements CallCommand {}
}
