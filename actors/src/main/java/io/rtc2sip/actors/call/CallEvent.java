package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import java.time.Instant;

/**
 * What happened to a call, in the journal. Events carry everything another node needs to go on
 * with the call (dialog identifiers and CSeqs, negotiated media, RTC channel and uid, hold and
 * transfer state, timer deadlines) and never an ActorRef, socket or SDK handle. Every event has
 * the instant it happened ({@code at}), from the entity's clock.
 *
 * <p>Events are never renamed or removed; changes go through Jackson migrations.
 */
public sealed interface CallEvent extends CborSerializable {

  Instant at();

  /** Outbound call started: INVITE sent in {@code dialog}; rings until {@code deadline}. */
  record CallDialed(
      String callId,
      Party caller,
      Party callee,
      RtcLeg rtc,
      SipDialog dialog,
      Instant deadline,
      Instant at)
      implements CallEvent {}

  /** Inbound call arrived in {@code dialog} with the caller's {@code offer}. */
  record CallReceived(
      String callId,
      Party caller,
      Party callee,
      RtcLeg rtc,
      SipDialog dialog,
      NegotiatedMedia offer,
      Instant deadline,
      Instant at)
      implements CallEvent {}

  /** Outbound: a provisional response; {@code earlyMedia} is null without SDP. */
  record CallRinging(int status, String remoteTag, NegotiatedMedia earlyMedia, Instant at)
      implements CallEvent {}

  /** Inbound: the callee is online and its app rings until {@code deadline}. */
  record CallAlerting(String node, String connectionId, Instant deadline, Instant at)
      implements CallEvent {}

  /**
   * Inbound: the callee is offline; the call waits for it until {@code deadline}. {@code push}:
   * a push notification was asked of the node's push service (false when none is configured,
   * and in events written before pushes were sent).
   */
  record CallParked(Instant deadline, Instant at, boolean push) implements CallEvent {}

  /**
   * Parked: attempt {@code attempt} of the push notification ended with the receiver's HTTP
   * {@code status} (0: none) or {@code error}, after {@code latencyMillis}; the next attempt is
   * due at {@code retryAt} (null: no next attempt, a {@link PushDelivered} or {@link PushFailed}
   * follows).
   */
  record PushAttempted(int attempt, int status, String error, long latencyMillis,
      Instant retryAt, Instant at) implements CallEvent {}

  /** Parked: the push notification was delivered at its attempt {@code attempts}. */
  record PushDelivered(int attempts, Instant at) implements CallEvent {}

  /**
   * Parked: the push notification was given up after {@code attempts} attempts, for
   * {@code reason}; the call still waits for the callee until its deadline.
   */
  record PushFailed(int attempts, String reason, Instant at) implements CallEvent {}

  /** Outbound: CANCEL sent; the call will end with {@code cause}. */
  record CallCancelling(EndCause cause, Instant deadline, Instant at) implements CallEvent {}

  /**
   * The call was answered: confirmed {@code dialog} and negotiated {@code media}; {@code
   * browserAnswered} when our RTC user answered from a browser over WebRTC (an inbound call's
   * RTC leg is a browser's from then on; false in events written before browsers could).
   */
  record CallAnswered(SipDialog dialog, NegotiatedMedia media, Instant at,
      boolean browserAnswered) implements CallEvent {}

  /** {@code by} put the call on hold; {@code dialog} has the CSeq of the re-INVITE involved. */
  record CallHeld(HoldSide by, SipDialog dialog, Instant at) implements CallEvent {}

  /** {@code by} took the call off hold. */
  record CallResumed(HoldSide by, SipDialog dialog, Instant at) implements CallEvent {}

  /** We re-INVITEd the peer in the same dialog, for {@code reason}. */
  record SessionReoffered(Reason reason, SipDialog dialog, Instant at) implements CallEvent {
    /** Why the session was offered again. */
    public enum Reason {
      /** The call was recovered on another node and rebuilt its media there. */
      REANCHOR,
      /** A re-INVITE met 491 Request Pending; retried after the RFC 3261 delay. */
      GLARE_RETRY,
      /** We are the session-timer refresher (RFC 4028) and half the interval passed. */
      SESSION_REFRESH
    }
  }

  /**
   * Our RTC user's {@code digits} go to the peer as SIP INFO, one request per digit; {@code
   * dialog} has the CSeq of the last of them.
   */
  record DtmfSentByInfo(String digits, SipDialog dialog, Instant at) implements CallEvent {}

  /**
   * Our RTC user transfers the peer to {@code target}: REFER sent in {@code dialog}; attended,
   * with the Refer-To carrying {@code replaces} (null: blind, and in events written before
   * attended transfers).
   */
  record CallTransferRequested(String target, SipDialog dialog, Instant at, Replaces replaces)
      implements CallEvent {
    /** A blind transfer. */
    public CallTransferRequested(String target, SipDialog dialog, Instant at) {
      this(target, dialog, at, null);
    }
  }

  /** A transfer failed with {@code status}; the call goes on as before. */
  record CallTransferFailed(int status, Instant at) implements CallEvent {}

  /**
   * The peer asked us (REFER in {@code dialog}) to transfer our RTC user to {@code target}; we
   * INVITE it in {@code newLeg}.
   */
  record CallReferred(
      String target, String referredBy, SipDialog dialog, SipDialog newLeg, Instant at,
      Replaces replaces)
      implements CallEvent {
    /**
     * A blind transfer. {@code replaces}: the Replaces of the Refer-To, which our INVITE carries
     * (null: none, and in events written before attended transfers).
     */
    public CallReferred(String target, String referredBy, SipDialog dialog, SipDialog newLeg,
        Instant at) {
      this(target, referredBy, dialog, newLeg, at, null);
    }
  }

  /**
   * The peer asked us (REFER in {@code dialog}, whose local CSeq is that of the NOTIFY that
   * refused it) to transfer our RTC user to {@code target}, which the user's dial plan does not
   * allow; the call goes on as before.
   */
  record CallReferRefused(String target, String referredBy, SipDialog dialog, Instant at)
      implements CallEvent {}

  /** The peer that referred us hung up its dialog before the transfer target answered. */
  record CallTransferorLeft(Instant at) implements CallEvent {}

  /** The transfer target answered: {@code dialog} and {@code media} replace the old ones. */
  record CallTransferCompleted(Party party, SipDialog dialog, NegotiatedMedia media, Instant at)
      implements CallEvent {}

  /**
   * Our RTC user added {@code target} to the call (a conference): INVITE sent in {@code dialog},
   * a new leg of the call whose number {@code party} names its Call-ID.
   */
  record PartyInvited(int party, String target, SipDialog dialog, Instant at)
      implements CallEvent {}

  /** The invited {@code party} answered: its confirmed {@code dialog} and {@code media}. */
  record PartyJoined(int party, SipDialog dialog, NegotiatedMedia media, Instant at)
      implements CallEvent {}

  /**
   * {@code party} left the conference: its BYE, ours (removed by the RTC user), or its INVITE's
   * failure ({@code sipStatus}). When it was the call's own SIP party, the first party that
   * joined takes its place as the call's dialog.
   */
  record PartyLeft(int party, int sipStatus, Instant at) implements CallEvent {}

  /** Re-anchored on another node: {@code party} was offered the session again in {@code dialog}. */
  record PartyReoffered(int party, SipDialog dialog, Instant at) implements CallEvent {}

  /** The call ended with {@code cause}; {@code sipStatus} is the INVITE's outcome. */
  record CallEnded(EndCause cause, int sipStatus, String reason, Instant at)
      implements CallEvent {}

  /**
   * An INVITE with Replaces took the call over (RFC 3891): {@code party}, its {@code dialog} and
   * {@code media} replace the SIP party, dialog and media; the old dialog got BYE.
   */
  record CallDialogReplaced(Party party, SipDialog dialog, NegotiatedMedia media, Instant at)
      implements CallEvent {}
}
