package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.Answer;
import io.rtc2sip.actors.call.CallCommand.CalleeOffline;
import io.rtc2sip.actors.call.CallCommand.CalleeOnline;
import io.rtc2sip.actors.call.CallCommand.CalleeUnknown;
import io.rtc2sip.actors.call.CallCommand.Cancel;
import io.rtc2sip.actors.call.CallCommand.CancelTimeout;
import io.rtc2sip.actors.call.CallCommand.Hangup;
import io.rtc2sip.actors.call.CallCommand.Hold;
import io.rtc2sip.actors.call.CallCommand.MediaDtmfReceived;
import io.rtc2sip.actors.call.CallCommand.MediaStarted;
import io.rtc2sip.actors.call.CallCommand.MediaTimeout;
import io.rtc2sip.actors.call.CallCommand.NoAnswerTimeout;
import io.rtc2sip.actors.call.CallCommand.ParkTimeout;
import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.PlacementAllowed;
import io.rtc2sip.actors.call.CallCommand.PlacementRefused;
import io.rtc2sip.actors.call.CallCommand.PushAttemptFinished;
import io.rtc2sip.actors.call.CallCommand.PushRetryDue;
import io.rtc2sip.actors.call.CallCommand.Reanchor;
import io.rtc2sip.actors.call.CallCommand.ReinviteRetry;
import io.rtc2sip.actors.call.CallCommand.SessionRefreshDue;
import io.rtc2sip.actors.call.CallCommand.Reject;
import io.rtc2sip.actors.call.CallCommand.RtcMediaFailed;
import io.rtc2sip.actors.call.CallCommand.RtcPeerLeft;
import io.rtc2sip.actors.call.CallCommand.SendDtmf;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipAckTimeout;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipCancelled;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipInviteReceived;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallCommand.SipReferReceived;
import io.rtc2sip.actors.call.CallCommand.SipReinviteFailed;
import io.rtc2sip.actors.call.CallCommand.SipRemoteHold;
import io.rtc2sip.actors.call.CallCommand.SipRemoteResume;
import io.rtc2sip.actors.call.CallCommand.SipTransferProgress;
import io.rtc2sip.actors.call.CallCommand.Transfer;
import io.rtc2sip.actors.call.CallCommand.Unhold;
import io.rtc2sip.actors.call.CallEvent.CallAlerting;
import io.rtc2sip.actors.call.CallEvent.CallAnswered;
import io.rtc2sip.actors.call.CallEvent.CallCancelling;
import io.rtc2sip.actors.call.CallEvent.CallDialed;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.actors.call.CallEvent.CallHeld;
import io.rtc2sip.actors.call.CallEvent.CallParked;
import io.rtc2sip.actors.call.CallEvent.CallReceived;
import io.rtc2sip.actors.call.CallEvent.CallReferred;
import io.rtc2sip.actors.call.CallEvent.CallResumed;
import io.rtc2sip.actors.call.CallEvent.CallRinging;
import io.rtc2sip.actors.call.CallEvent.CallTransferCompleted;
import io.rtc2sip.actors.call.CallEvent.CallTransferFailed;
import io.rtc2sip.actors.call.CallEvent.CallTransferRequested;
import io.rtc2sip.actors.call.CallEvent.CallTransferorLeft;
import io.rtc2sip.actors.call.CallEvent.PushAttempted;
import io.rtc2sip.actors.call.CallEvent.PushDelivered;
import io.rtc2sip.actors.call.CallEvent.PushFailed;
import io.rtc2sip.actors.call.CallEvent.SessionReoffered;
import io.rtc2sip.actors.call.CallCommand.Conference;
import io.rtc2sip.actors.call.CallCommand.PartyAllowed;
import io.rtc2sip.actors.call.CallCommand.PartyRefused;
import io.rtc2sip.actors.call.CallCommand.RemoveParty;
import io.rtc2sip.actors.call.CallEvent.PartyInvited;
import io.rtc2sip.actors.call.CallEvent.PartyJoined;
import io.rtc2sip.actors.call.CallEvent.PartyLeft;
import io.rtc2sip.actors.call.CallEvent.PartyReoffered;
import io.rtc2sip.actors.call.CallState.Active;
import io.rtc2sip.actors.call.CallState.Conferencing;
import io.rtc2sip.actors.call.CallState.Alerting;
import io.rtc2sip.actors.call.CallState.Cancelling;
import io.rtc2sip.actors.call.CallState.Dialing;
import io.rtc2sip.actors.call.CallState.Ended;
import io.rtc2sip.actors.call.CallState.Held;
import io.rtc2sip.actors.call.CallState.Idle;
import io.rtc2sip.actors.call.CallState.Parked;
import io.rtc2sip.actors.call.CallState.Referred;
import io.rtc2sip.actors.call.CallState.Ringing;
import io.rtc2sip.actors.call.CallState.Routing;
import io.rtc2sip.actors.call.CallState.Transferring;
import io.rtc2sip.actors.call.CallState.Started;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The call's transition table: which command each state accepts, which events it may persist,
 * the states it may lead to, what it does outside and which handler does it. {@link CallEntity}
 * dispatches every command through it: the row of its state and the command runs its handler; a
 * command without a row is rejected (client commands get {@link CallReply.Rejected}, facts are
 * logged). So the table is the state machine, and {@code docs/call-state-machine.md} is rendered
 * from it ({@link #markdown()}). {@link CallCommand.GetCall} is valid in every state and not
 * listed.
 */
public final class CallTransitions {

  /**
   * One row: in any of {@code from}, {@code command} persists one of {@code events} (none when
   * the list is empty, or when {@code mayStay} and the command changes nothing) and leads to one
   * of {@code to} (the same state when no event is persisted); {@code handler} does it.
   */
  public record Row(
      List<Class<? extends CallState>> from,
      Class<? extends CallCommand> command,
      List<Class<? extends CallEvent>> events,
      boolean mayStay,
      List<Class<? extends CallState>> to,
      String effects,
      CallHandler<?, ?> handler) {

    public Row {
      if (handler == null) {
        throw new IllegalArgumentException(
            "the row of " + command.getSimpleName() + " in " + from + " has no handler");
      }
      from = List.copyOf(from);
    }

    /** Runs the handler; {@code state} is one of {@code from}, {@code command} of its class. */
    @SuppressWarnings("unchecked")
    ReplyEffect<CallEvent, CallState> handle(CallHandlers h, CallState state, CallCommand command) {
      return ((CallHandler<CallState, CallCommand>) handler).handle(h, state, command);
    }
  }

  /** The states in the order the document lists them. */
  public static final List<Class<? extends CallState>> STATES =
      List.of(
          Idle.class, Dialing.class, Ringing.class, Cancelling.class, Routing.class, Parked.class,
          Alerting.class, Active.class, Held.class, Transferring.class, Referred.class,
          Conferencing.class, Ended.class);

  private static final List<Class<? extends Started>> OUTBOUND_PENDING =
      List.of(Dialing.class, Ringing.class);
  private static final List<Class<? extends Started>> ESTABLISHED =
      List.of(Active.class, Held.class);
  private static final List<Class<? extends Started>> IN_DIALOG =
      List.of(Active.class, Held.class, Transferring.class);
  private static final List<Class<? extends Started>> IN_DIALOG_OR_REFERRED =
      List.of(Active.class, Held.class, Transferring.class, Referred.class);
  private static final List<Class<? extends Started>> INBOUND_PENDING =
      List.of(Routing.class, Parked.class, Alerting.class);

  public static final List<Row> TABLE = buildTable();

  /** The rows by state and command class: what a state does, in one place. */
  private static final Map<Class<?>, Map<Class<?>, Row>> BY_STATE = index(TABLE);

  private CallTransitions() {}

  /** Whether {@code state} has a row for {@code command}. */
  public static boolean allows(CallState state, CallCommand command) {
    return rowFor(state.getClass(), command.getClass()) != null;
  }

  /** The row of this state and command class, or null. */
  public static Row rowFor(Class<?> state, Class<?> command) {
    return BY_STATE.getOrDefault(state, Map.of()).get(command);
  }

  /** The rows of {@code state}, by command class. */
  public static Map<Class<?>, Row> rowsOf(Class<? extends CallState> state) {
    return BY_STATE.getOrDefault(state, Map.of());
  }

  private static Map<Class<?>, Map<Class<?>, Row>> index(List<Row> table) {
    Map<Class<?>, Map<Class<?>, Row>> byState = new HashMap<>();
    for (Row row : table) {
      for (Class<? extends CallState> state : row.from()) {
        Row before = byState.computeIfAbsent(state, s -> new HashMap<>()).put(row.command(), row);
        if (before != null) {
          throw new IllegalStateException("two rows for " + row.command().getSimpleName()
              + " in " + state.getSimpleName());
        }
      }
    }
    Map<Class<?>, Map<Class<?>, Row>> frozen = new HashMap<>();
    byState.forEach((state, rows) -> frozen.put(state, Map.copyOf(rows)));
    return Map.copyOf(frozen);
  }

  private static List<Row> buildTable() {
    List<Row> t = new ArrayList<>();
    // ------------------------------------------------------------ outbound: RTC user calls SIP
    t.add(row(Idle.class, PlaceCall.class, events(CallDialed.class), false,
        states(Dialing.class),
        "a destination outside the user's dial plan: reply Rejected forbidden-destination,"
            + " passivate; a plan with limits: user AdmitCall and wait (in memory, at most 5 s)"
            + " for its PlacementAllowed or PlacementRefused; without limits: as"
            + " PlacementAllowed at once",
        (h, s, c) -> h.placement().place(c)));
    t.add(row(Idle.class, PlacementAllowed.class, events(CallDialed.class), true,
        states(Dialing.class),
        "for the call waiting: reply Accepted (with a WebRTC offer: media Prepare answers the"
            + " client); user CallStarted; media Prepare; SIP Invite; arm no-answer timer;"
            + " none waiting: ignored",
        (h, s, c) -> h.placement().allowed(c)));
    t.add(row(Idle.class, PlacementRefused.class, events(), false, states(),
        "for the call waiting: reply Rejected with its code (too-many-calls,"
            + " call-rate-exceeded; unavailable when the user session did not answer),"
            + " passivate; nothing persisted, no INVITE",
        (h, s, c) -> h.placement().refused(c)));
    t.add(row(Dialing.class, SipProvisional.class, events(CallRinging.class), false,
        states(Ringing.class),
        "client Ringing; media Start when the response has SDP (early media)",
        (h, s, c) -> h.pending().dialingProvisional(s, c)));
    t.add(row(Ringing.class, SipProvisional.class, events(CallRinging.class), true,
        states(Ringing.class),
        "persists only when early media starts: client Ringing (early), media Start",
        (h, s, c) -> h.pending().ringingProvisional(s, c)));
    t.add(row(OUTBOUND_PENDING, SipAnswered.class, events(CallAnswered.class), false,
        states(Active.class), "client Answered; media Start; cancel timer",
        (h, s, c) -> h.pending().answered(s, c)));
    t.add(row(OUTBOUND_PENDING, SipFailed.class, events(CallEnded.class), false,
        states(Ended.class),
        "cause from the SIP status table (EndCause); client Ended; media Stop; user CallEnded;"
            + " passivate",
        (h, s, c) -> h.pending().failed(s, c)));
    t.add(row(OUTBOUND_PENDING, Hangup.class, events(CallCancelling.class), false,
        states(Cancelling.class), "cause cancelled; reply Accepted; SIP Cancel; arm cancel timer",
        (h, s, c) -> h.pending().cancelledByUser(s, c)));
    t.add(row(OUTBOUND_PENDING, Cancel.class, events(CallCancelling.class), false,
        states(Cancelling.class), "cause cancelled; reply Accepted; SIP Cancel; arm cancel timer",
        (h, s, c) -> h.pending().cancelledByUser(s, c)));
    t.add(row(OUTBOUND_PENDING, NoAnswerTimeout.class, events(CallCancelling.class), false,
        states(Cancelling.class), "cause no-answer; SIP Cancel; arm cancel timer",
        (h, s, c) -> h.pending().notAnswered(s)));
    t.add(row(OUTBOUND_PENDING, RtcPeerLeft.class, events(CallCancelling.class), false,
        states(Cancelling.class), "cause rtc-peer-left; SIP Cancel; arm cancel timer",
        (h, s, c) -> h.pending().callerLeft(s)));
    t.add(row(OUTBOUND_PENDING, RtcMediaFailed.class, events(CallCancelling.class), false,
        states(Cancelling.class),
        "the WebRTC leg never connected, or the call was recovered away from it: cause"
            + " rtc-media-failed; SIP Cancel; arm cancel timer",
        (h, s, c) -> h.pending().callerMediaFailed(s, c)));
    t.add(row(Cancelling.class, SipFailed.class, events(CallEnded.class), false,
        states(Ended.class), "ends with the cause of the cancel; client Ended; media Stop",
        (h, s, c) -> h.pending().cancelledWith(s, c)));
    t.add(row(Cancelling.class, SipAnswered.class, events(CallEnded.class), false,
        states(Ended.class), "200 OK crossed our CANCEL: SIP Bye; client Ended; media Stop",
        (h, s, c) -> h.pending().answeredWhileCancelling(s, c)));
    t.add(row(Cancelling.class, CancelTimeout.class, events(CallEnded.class), false,
        states(Ended.class), "no final response: ends with status 408; client Ended; media Stop",
        (h, s, c) -> h.pending().cancelTimedOut(s)));
    t.add(row(Cancelling.class, SipProvisional.class, events(), true,
        states(Cancelling.class), "ignored",
        (h, s, c) -> h.ignore()));
    t.add(row(Cancelling.class, Hangup.class, events(), true,
        states(Cancelling.class), "reply Accepted (already cancelling)",
        (h, s, c) -> h.pending().alreadyCancelling(c)));
    t.add(row(Cancelling.class, Cancel.class, events(), true,
        states(Cancelling.class), "reply Accepted (already cancelling)",
        (h, s, c) -> h.pending().alreadyCancelling(c)));
    // ------------------------------------------------------------ inbound: SIP calls RTC user
    t.add(row(Idle.class, SipInviteReceived.class, events(CallReceived.class), false,
        states(Routing.class),
        "user RouteInboundCall; media Prepare; arm no-answer timer",
        (h, s, c) -> h.pending().inviteReceived(c)));
    t.add(row(Routing.class, CalleeOnline.class, events(CallAlerting.class), false,
        states(Alerting.class), "SIP Ring (180; with ringback-to-sip: 183 with our SDP and"
            + " media Ringback, in-band until the answer); client IncomingCall; arm no-answer"
            + " timer",
        (h, s, c) -> h.pending().routed(s, c)));
    t.add(row(Routing.class, CalleeOffline.class, events(CallParked.class), false,
        states(Parked.class),
        "SIP Ring (180, the caller is held ringing; with parked-ringback: 183 with our SDP and"
            + " media Ringback, in-band until the answer); client OfflineCallNotice; arm park"
            + " timer; with a push service on the node (rtc2sip.push.url): push Notify attempt 1",
        (h, s, c) -> h.pending().parked(s)));
    t.add(row(Routing.class, CalleeUnknown.class, events(CallEnded.class), false,
        states(Ended.class), "cause not-found; SIP Reject 404; media Stop",
        (h, s, c) -> h.pending().calleeUnknown(s)));
    t.add(row(Routing.class, NoAnswerTimeout.class, events(CallEnded.class), false,
        states(Ended.class), "no route in time: cause no-answer; SIP Reject 480; media Stop",
        (h, s, c) -> h.pending().notRouted(s)));
    t.add(row(Parked.class, CalleeOnline.class, events(CallAlerting.class), false,
        states(Alerting.class),
        "the callee logged in: client IncomingCall; arm no-answer timer; no further push attempt",
        (h, s, c) -> h.pending().unparked(s, c)));
    t.add(row(Parked.class, ParkTimeout.class, events(CallEnded.class), false,
        states(Ended.class),
        "cause callee-offline; SIP Reject 480; client Ended; user CallEnded; media Stop; no"
            + " further push attempt",
        (h, s, c) -> h.pending().parkTimedOut(s)));
    t.add(row(Parked.class, PushAttemptFinished.class,
        events(PushAttempted.class, PushDelivered.class, PushFailed.class), true,
        states(Parked.class),
        "the push service's report of the attempt under way (others are ignored): 2xx:"
            + " PushAttempted and PushDelivered; 4xx but 408/429, or the last attempt:"
            + " PushAttempted and PushFailed; else PushAttempted, arm the push retry timer (the"
            + " service's backoff), or PushFailed when the retry would come after the deadline",
        (h, s, c) -> h.pushes().finished(s, c)));
    t.add(row(Parked.class, PushRetryDue.class, events(), false, states(),
        "push Notify, the next attempt (nothing once delivered or given up)",
        (h, s, c) -> h.pushes().retryDue(s)));
    t.add(row(Alerting.class, CalleeOnline.class, events(), true,
        states(Alerting.class), "ignored (already alerting)",
        (h, s, c) -> h.ignore()));
    t.add(row(Alerting.class, PushAttemptFinished.class,
        events(PushAttempted.class, PushDelivered.class), true, states(Alerting.class),
        "a released call's attempt that was under way when the callee logged in: its outcome"
            + " is written (PushDelivered for a 2xx), no further attempt",
        (h, s, c) -> h.pushes().finishedAfterRelease(s, c)));
    t.add(row(Alerting.class, Answer.class, events(CallAnswered.class), false,
        states(Active.class), "reply Accepted (with a WebRTC offer: media Start answers the"
            + " client); SIP Accept (200 with SDP answer); media Start; client Answered",
        (h, s, c) -> h.pending().answer(s, c)));
    t.add(row(Alerting.class, Reject.class, events(CallEnded.class), false,
        states(Ended.class),
        "reply Accepted; cause busy (486) or declined (603); SIP Reject; client Ended",
        (h, s, c) -> h.pending().reject(s, c)));
    t.add(row(Alerting.class, Hangup.class, events(CallEnded.class), false,
        states(Ended.class), "reply Accepted; cause declined; SIP Reject 603; client Ended",
        (h, s, c) -> h.pending().decline(s, c)));
    t.add(row(Alerting.class, NoAnswerTimeout.class, events(CallEnded.class), false,
        states(Ended.class), "cause no-answer; SIP Reject 480; client Ended",
        (h, s, c) -> h.pending().notAnsweredByCallee(s)));
    t.add(row(INBOUND_PENDING, SipCancelled.class, events(CallEnded.class), false,
        states(Ended.class), "cause cancelled (487 sent by the adapter); client Ended",
        (h, s, c) -> h.pending().callerCancelled(s)));
    // ------------------------------------------------------------ established
    t.add(row(ESTABLISHED, Hold.class, events(CallHeld.class), false, states(Held.class),
        "rejected when the RTC user already holds; reply Accepted; SIP Reinvite (sendonly or"
            + " inactive); media SetDirection; client Held",
        (h, s, c) -> h.established().hold(s, c)));
    t.add(row(Held.class, Unhold.class, events(CallResumed.class), false,
        states(Active.class, Held.class),
        "rejected unless the RTC user holds; reply Accepted; SIP Reinvite; media SetDirection;"
            + " client Resumed",
        (h, s, c) -> h.established().unhold(s, c)));
    t.add(row(ESTABLISHED, SipRemoteHold.class, events(CallHeld.class), true, states(Held.class),
        "media SetDirection; client Held (nothing when the peer already holds)",
        (h, s, c) -> h.established().remoteHold(s, c)));
    t.add(row(ESTABLISHED, SipRemoteResume.class, events(CallResumed.class), true,
        states(Active.class, Held.class),
        "media SetDirection; client Resumed (nothing unless the peer holds)",
        (h, s, c) -> h.established().remoteResume(s, c)));
    t.add(row(ESTABLISHED, SendDtmf.class, events(CallEvent.DtmfSentByInfo.class), true,
        states(),
        "rejected unless the digits are 0-9 * # A-D; reply Accepted; media SendDtmf, or with"
            + " rtc2sip.call.dtmf-out = info: DtmfSentByInfo (the CSeqs used), SIP Info",
        (h, s, c) -> h.established().sendDtmf(s, c)));
    t.add(row(Conferencing.class, SendDtmf.class, events(), false, states(),
        "rejected unless the digits are 0-9 * # A-D; reply Accepted; media SendDtmf: in the media"
            + " to every SIP party (also with rtc2sip.call.dtmf-out = info)",
        (h, s, c) -> h.established().sendDtmf(s, c)));
    t.add(row(List.of(Active.class, Held.class, Conferencing.class), MediaDtmfReceived.class,
        events(), false, states(),
        "client DtmfReceived (a conference: the digits of the call's own SIP party, to the RTC"
            + " user only)",
        (h, s, c) -> h.established().dtmfReceived(s, c)));
    t.add(row(List.of(Dialing.class, Ringing.class, Active.class, Held.class, Transferring.class,
            Referred.class, Conferencing.class), MediaStarted.class, events(), false, states(),
        "logged",
        (h, s, c) -> h.established().mediaStarted()));
    t.add(row(Active.class, MediaTimeout.class, events(CallEnded.class), false,
        states(Ended.class), "cause media-timeout; SIP Bye; client Ended; media Stop",
        (h, s, c) -> h.established().mediaTimedOut(s)));
    t.add(row(Held.class, MediaTimeout.class, events(), false, states(),
        "ignored: no media is expected while held",
        (h, s, c) -> h.ignore()));
    t.add(row(IN_DIALOG_OR_REFERRED,
        Hangup.class, events(CallEnded.class), false, states(Ended.class),
        "reply Accepted; cause local-hangup; SIP Bye (Referred: and Cancel of the new leg);"
            + " client Ended; media Stop",
        (h, s, c) -> h.established().hangup(s, c)));
    t.add(row(IN_DIALOG, SipByeReceived.class, events(CallEnded.class), true, states(Ended.class),
        "cause remote-hangup; client Ended; media Stop (a BYE of an earlier dialog is ignored)",
        (h, s, c) -> h.established().byeReceived(s, c)));
    t.add(row(IN_DIALOG_OR_REFERRED, RtcPeerLeft.class, events(CallEnded.class), false,
        states(Ended.class),
        "cause rtc-peer-left; SIP Bye (Referred: and Cancel of the new leg); client Ended;"
            + " media Stop",
        (h, s, c) -> h.established().rtcPeerLeft(s)));
    t.add(row(IN_DIALOG_OR_REFERRED, RtcMediaFailed.class, events(CallEnded.class), false,
        states(Ended.class),
        "the WebRTC leg failed, or the call was recovered away from it and the browser sent no"
            + " new offer within browser-reoffer-timeout: cause rtc-media-failed; SIP Bye"
            + " (Referred: and Cancel of the new leg); client Ended; media Stop",
        (h, s, c) -> h.established().rtcMediaFailed(s, c)));
    t.add(row(IN_DIALOG_OR_REFERRED, CallCommand.Reoffer.class, events(), false,
        states(Active.class, Held.class, Transferring.class, Referred.class),
        "a browser's call: stop waiting for the new offer; media BrowserReoffer (a new WebRTC"
            + " leg on this node), whose SDP answer is the reply; other calls: reply Rejected",
        (h, s, c) -> h.established().browserReoffer(s, c)));
    t.add(row(IN_DIALOG, SipAckTimeout.class, events(CallEnded.class), false,
        states(Ended.class),
        "no ACK for our 2xx within 64*T1 (RFC 3261 13.3.1.4): cause dialog-lost (SIP 408);"
            + " SIP Bye; client Ended; media Stop",
        (h, s, c) -> h.established().ackTimedOut(s)));
    // ------------------------------------------------------------ re-INVITE mechanics
    t.add(row(IN_DIALOG, SipReinviteFailed.class, events(CallEnded.class), true,
        states(Ended.class),
        "491: arm the glare retry timer (RFC 3261 14.1); 408/481: cause dialog-lost, client"
            + " Ended; other statuses logged",
        (h, s, c) -> h.established().reinviteFailed(s, c)));
    t.add(row(IN_DIALOG, ReinviteRetry.class, events(SessionReoffered.class), false,
        states(Active.class, Held.class, Transferring.class),
        "SIP Reinvite with the current direction",
        (h, s, c) -> h.established().glareRetry(s)));
    t.add(row(IN_DIALOG, SessionRefreshDue.class, events(SessionReoffered.class), false,
        states(Active.class, Held.class, Transferring.class),
        "we refresh the session (RFC 4028, the peer's 2xx or INVITE made us refresher): SIP"
            + " Reinvite with the current direction at half the session interval",
        (h, s, c) -> h.established().refreshSession(s)));
    t.add(row(IN_DIALOG, Reanchor.class, events(SessionReoffered.class), false,
        states(Active.class, Held.class, Transferring.class),
        "recovered on this node: media Reanchor (new RTP socket, RTC rejoin); SIP Reinvite"
            + " with the new address",
        (h, s, c) -> h.established().reanchor(s)));
    t.add(row(Referred.class, Reanchor.class,
        events(CallTransferFailed.class, CallEnded.class, SessionReoffered.class), false,
        states(Active.class, Held.class, Ended.class),
        "recovered: the INVITE to the transfer target died with its node; SIP"
            + " NotifyTransferProgress 408 (transferor gone: cause transfer-failed); then"
            + " Reanchor again as Active/Held (SessionReoffered)",
        (h, s, c) -> h.transfers().reanchorWhileReferred(s)));
    t.add(row(List.of(Dialing.class, Ringing.class, Cancelling.class, Routing.class,
            Parked.class, Alerting.class, Active.class, Held.class, Transferring.class,
            Referred.class, Conferencing.class), CallCommand.WriteEnd.class,
        events(CallEnded.class), false, states(Ended.class),
        "recovered after the call ended on the wire while the journal was unavailable (BYE,"
            + " media Stop and client Ended done then): the end is written now; passivate",
        (h, s, c) -> h.actions().writeEnd(s, c.end())));
    // ------------------------------------------------------------ transfer by the RTC user
    t.add(row(ESTABLISHED, Transfer.class, events(CallTransferRequested.class), false,
        states(Transferring.class), "reply Accepted; SIP Refer (attended, with the Replaces of"
            + " another call of the user in the Refer-To; a call naming itself: reply Rejected; a"
            + " target the user's dial plan does not allow: reply Rejected forbidden-destination)",
        (h, s, c) -> h.transfers().transfer(s, c)));
    t.add(row(Transferring.class, SipTransferProgress.class,
        events(CallEnded.class, CallTransferFailed.class), true,
        states(Ended.class, Active.class, Held.class),
        "1xx: nothing; 2xx: cause transferred, SIP Bye, client Transferred and Ended; 3xx-6xx:"
            + " client TransferFailed",
        (h, s, c) -> h.transfers().progress(s, c)));
    // ------------------------------------------------------------ transfer by the SIP peer
    t.add(row(ESTABLISHED, SipReferReceived.class,
        events(CallReferred.class, CallEvent.CallReferRefused.class), false,
        states(Referred.class, Active.class, Held.class),
        "target allowed by the user's dial plan: SIP NotifyTransferProgress 100; SIP Invite to"
            + " the target in a new leg (with the Replaces of the Refer-To, its only header taken);"
            + " not allowed: CallReferRefused, SIP NotifyTransferProgress 403, the call goes on; a"
            + " Replaces that is not one: the same with 400",
        (h, s, c) -> h.transfers().referred(s, c)));
    t.add(row(Referred.class, SipProvisional.class, events(), false, states(),
        "logged",
        (h, s, c) -> h.transfers().targetProvisional(c)));
    t.add(row(Referred.class, SipAnswered.class, events(CallTransferCompleted.class),
        false, states(Active.class),
        "SIP NotifyTransferProgress 200 and Bye on the old dialog (unless the transferor left);"
            + " media Start; client Transferred",
        (h, s, c) -> h.transfers().targetAnswered(s, c)));
    t.add(row(Referred.class, SipFailed.class,
        events(CallTransferFailed.class, CallEnded.class), false,
        states(Active.class, Held.class, Ended.class),
        "transferor still there: SIP NotifyTransferProgress (status), back as before; transferor"
            + " gone: cause transfer-failed, client Ended",
        (h, s, c) -> h.transfers().targetFailed(s, c)));
    t.add(row(Referred.class, SipByeReceived.class, events(CallTransferorLeft.class),
        true, states(Referred.class), "BYE of the old dialog: the transferor left",
        (h, s, c) -> h.transfers().transferorLeft(s, c)));
    // ------------------------------------------------------------ conferences
    t.add(row(List.of(Active.class, Conferencing.class), Conference.class,
        events(PartyInvited.class), true, states(Conferencing.class),
        "rejected with rtc2sip.call.conference off, while a party is being invited, at 8 parties,"
            + " forbidden-destination by the dial plan, or too-many-calls beyond its"
            + " conference-parties, while a party is being admitted; a plan with calls-per-minute:"
            + " user AdmitParty and wait (in memory, at most 5 s) for its PartyAllowed or"
            + " PartyRefused; without: as PartyAllowed at once",
        (h, s, c) -> h.conferences().invite(s, c)));
    t.add(row(List.of(Active.class, Conferencing.class), PartyAllowed.class,
        events(PartyInvited.class), true, states(Conferencing.class),
        "for the party waiting: reply Accepted; SIP Invite in a new leg (its number is the"
            + " party's; the party's commands name its leg call/N); client PartyInvited; none"
            + " waiting: ignored",
        (h, s, c) -> h.conferences().admitted(s, c)));
    t.add(row(List.of(Active.class, Conferencing.class), PartyRefused.class, events(), false,
        states(),
        "for the party waiting: reply Rejected with its code (call-rate-exceeded; unavailable"
            + " when the user session did not answer); nothing persisted, no INVITE",
        (h, s, c) -> h.conferences().refused(c)));
    t.add(row(List.of(Held.class, Transferring.class, Referred.class, Ended.class),
        PartyAllowed.class, events(), false, states(),
        "the call left Active while the party waited: reply Rejected (a call that ended"
            + " answered it then: ignored); no INVITE",
        (h, s, c) -> h.conferences().decidedTooLate(s, c)));
    t.add(row(List.of(Held.class, Transferring.class, Referred.class, Ended.class),
        PartyRefused.class, events(), false, states(),
        "the call left Active while the party waited: reply Rejected (a call that ended"
            + " answered it then: ignored); no INVITE",
        (h, s, c) -> h.conferences().decidedTooLate(s, c)));
    t.add(row(Conferencing.class, SipProvisional.class, events(), false, states(),
        "logged",
        (h, s, c) -> h.conferences().provisional(s, c)));
    t.add(row(Conferencing.class, SipAnswered.class, events(PartyJoined.class), true,
        states(Conferencing.class),
        "the party being invited answered: media AddParty; client PartyJoined",
        (h, s, c) -> h.conferences().answered(s, c)));
    t.add(row(Conferencing.class, SipFailed.class, events(PartyLeft.class), true,
        states(Conferencing.class, Active.class),
        "the party being invited failed: media RemoveParty (its reserved port); client PartyLeft"
            + " (its status)",
        (h, s, c) -> h.conferences().failed(s, c)));
    t.add(row(Conferencing.class, SipByeReceived.class, events(PartyLeft.class, CallEnded.class),
        true, states(Conferencing.class, Active.class, Ended.class),
        "an added party's BYE: media RemoveParty, client PartyLeft; the call's own party's: the"
            + " same, the first joined party becomes the call's dialog, or, nobody joined yet,"
            + " cause remote-hangup, SIP Cancel of the invitation, client Ended",
        (h, s, c) -> h.conferences().byeReceived(s, c)));
    t.add(row(Conferencing.class, RemoveParty.class, events(PartyLeft.class), true,
        states(Conferencing.class, Active.class),
        "reply Accepted; SIP Bye of the party's dialog (Cancel while invited); media RemoveParty;"
            + " client PartyLeft; rejected for an unknown party or the last one",
        (h, s, c) -> h.conferences().remove(s, c)));
    t.add(row(Conferencing.class, Hangup.class, events(CallEnded.class), false,
        states(Ended.class),
        "reply Accepted; cause local-hangup; SIP Bye of every dialog, Cancel of an invitation;"
            + " client Ended; media Stop",
        (h, s, c) -> h.conferences().hangup(s, c)));
    t.add(row(Conferencing.class, RtcPeerLeft.class, events(CallEnded.class), false,
        states(Ended.class), "cause rtc-peer-left; as Hangup",
        (h, s, c) -> h.conferences().rtcPeerLeft(s)));
    t.add(row(Conferencing.class, RtcMediaFailed.class, events(CallEnded.class), false,
        states(Ended.class), "cause rtc-media-failed; as Hangup",
        (h, s, c) -> h.conferences().rtcMediaFailed(s)));
    t.add(row(Conferencing.class, MediaTimeout.class, events(), false, states(),
        "ignored: the parties of a conference are not watched for silence",
        (h, s, c) -> h.ignore()));
    t.add(row(Conferencing.class, Reanchor.class,
        events(PartyLeft.class, SessionReoffered.class, PartyReoffered.class), false,
        states(Conferencing.class, Active.class),
        "recovered: the invitation under way died with its node (PartyLeft 408, client"
            + " PartyLeft); media Reanchor and SIP Reinvite of the call's dialog; media AddParty"
            + " and SIP Reinvite of each joined party's dialog (PartyReoffered)",
        (h, s, c) -> h.conferences().reanchor(s)));
    // ------------------------------------------------------------ INVITE with Replaces
    t.add(row(ESTABLISHED, CallCommand.SipReplacingInviteReceived.class,
        events(CallEvent.CallDialogReplaced.class), true, states(Active.class),
        "Replaces names the call's confirmed dialog: the new party takes the call over, SIP"
            + " Accept (200 with SDP) in its dialog, SIP Bye on the old dialog, media Start (Held:"
            + " and SetDirection sendrecv, the hold ends), client Transferred; another dialog: SIP"
            + " Reject 481; early-only: SIP Reject 486",
        (h, s, c) -> h.transfers().replacingInvite(s, c)));
    t.add(row(List.of(Dialing.class, Ringing.class, Cancelling.class, Routing.class,
            Parked.class, Alerting.class, Transferring.class, Referred.class, Conferencing.class,
            Ended.class),
        CallCommand.SipReplacingInviteReceived.class, events(), false, states(),
        "SIP Reject of that INVITE: 481 (no confirmed dialog to replace), 603 while the call is"
            + " transferred, a conference, or after it ended",
        (h, s, c) -> h.transfers().replacingInvite(s, c)));
    // ------------------------------------------------------------ after the end
    t.add(row(Ended.class, SipAnswered.class, events(), false, states(),
        "a late 200 OK: SIP Bye",
        (h, s, c) -> h.established().lateAnswer(s, c)));
    return List.copyOf(t);
  }

  /** The table as a Markdown document (docs/call-state-machine.md is this text). */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Call state machine\n\n")
        .append("<!-- Generated from io.rtc2sip.actors.call.CallTransitions; CallTransitionsDocTest"
            + " fails when this file and the code disagree. Regenerate with:\n")
        .append("     ./mvnw -q -pl actors test -Dtest=CallTransitionsDocTest"
            + " -Drtc2sip.docs.write=true -->\n\n")
        .append("Every call is one sharded, event-sourced `CallEntity`. A command without a row"
            + " for the call's state is rejected: a client command gets a `Rejected` reply with"
            + " the reason, an adapter fact is logged with the call id and ignored. `GetCall` is"
            + " answered in every state. Timers are persisted as deadlines in the events and"
            + " re-armed when the call is recovered on any node.\n\n")
        .append("## States\n\n")
        .append("| state | meaning | timer |\n|---|---|---|\n");
    for (Class<? extends CallState> s : STATES) {
      md.append("| ").append(s.getSimpleName()).append(" | ").append(meaning(s))
          .append(" | ").append(timer(s)).append(" |\n");
    }
    md.append("\n## Transitions\n\n")
        .append("| from | command | events | to | effects |\n|---|---|---|---|---|\n");
    for (Row r : TABLE) {
      md.append("| ").append(names(r.from()))
          .append(" | ").append(r.command().getSimpleName())
          .append(" | ").append(eventNames(r))
          .append(" | ").append(r.to().isEmpty() ? "(same)" : names(r.to()))
          .append(" | ").append(r.effects()).append(" |\n");
    }
    md.append("\nAfter recovery (`RecoveryCompleted`): a state with a timer re-arms it from its"
            + " persisted deadline (firing at once when it has passed); Active, Held,"
            + " Transferring, Referred and Conferencing send themselves `Reanchor`; Routing asks"
            + " the user session again; Parked with a push neither delivered nor given up re-arms the"
            + " push retry timer, or, when an attempt was under way (its outcome not written),"
            + " makes that attempt again (a delivered push is not repeated); Ended passivates."
            + " Active, Held, Transferring, Referred and Conferencing also"
            + " tell the client `RtcMoved` (the RTC address of this node, where a loopback"
            + " client joins again). A call whose RTC side is a browser's WebRTC leg lost the"
            + " leg (its ICE and DTLS were on the node that ran the call): Dialing and Ringing"
            + " send themselves `RtcMediaFailed` and the call ends; the established states"
            + " re-anchor the SIP side and wait `browser-reoffer-timeout` for the browser's"
            + " `Reoffer`, then send themselves `RtcMediaFailed`. A call whose end was carried"
            + " out on the wire while the journal database was unavailable sends itself"
            + " `WriteEnd` instead of all this; one restarted on the same node after a failed"
            + " journal write keeps its media and dialog there and does not re-anchor.\n");
    return md.toString();
  }

  private static String eventNames(Row r) {
    if (r.events().isEmpty()) {
      return "—";
    }
    String names =
        r.events().stream().map(Class::getSimpleName).collect(Collectors.joining(" or "));
    return r.mayStay() ? names + " or —" : names;
  }

  private static String names(List<Class<? extends CallState>> states) {
    return states.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
  }

  private static String meaning(Class<? extends CallState> s) {
    if (s == Idle.class) return "nothing happened under this call id";
    if (s == Dialing.class) return "outbound: INVITE sent";
    if (s == Ringing.class) return "outbound: 180/183 received";
    if (s == Cancelling.class) return "outbound: CANCEL sent, waiting for the final response";
    if (s == Routing.class) return "inbound: asking the callee's user session where it is";
    if (s == Parked.class) {
      return "inbound: callee offline, caller hears ringing, the callee's app is pushed";
    }
    if (s == Alerting.class) return "inbound: the callee's app rings";
    if (s == Active.class) return "answered, media both ways";
    if (s == Held.class) return "answered, on hold by the RTC user and/or the SIP peer";
    if (s == Transferring.class) return "our REFER is under way";
    if (s == Referred.class) return "the peer's REFER: inviting the transfer target";
    if (s == Conferencing.class) {
      return "answered, the RTC user has added SIP parties (one may be being invited)";
    }
    return "over; the entity passivates";
  }

  private static String timer(Class<? extends CallState> s) {
    if (s == Dialing.class || s == Ringing.class || s == Routing.class || s == Alerting.class) {
      return "no-answer-timeout → NoAnswerTimeout";
    }
    if (s == Parked.class) {
      return "park-timeout → ParkTimeout; the push's backoff → PushRetryDue";
    }
    if (s == Cancelling.class) return "cancel-timeout → CancelTimeout";
    return "";
  }

  @SafeVarargs
  private static List<Class<? extends CallEvent>> events(Class<? extends CallEvent>... e) {
    return List.of(e);
  }

  @SafeVarargs
  private static List<Class<? extends CallState>> states(Class<? extends CallState>... s) {
    return List.of(s);
  }

  /** A row of one state, whose handler may take that state's type. */
  private static <S extends CallState, C extends CallCommand> Row row(
      Class<S> from,
      Class<C> command,
      List<Class<? extends CallEvent>> events,
      boolean mayStay,
      List<Class<? extends CallState>> to,
      String effects,
      CallHandler<S, C> handler) {
    return new Row(List.of(from), command, events, mayStay, to, effects, handler);
  }

  /** A row of several states of a started call. */
  private static <C extends CallCommand> Row row(
      List<Class<? extends Started>> from,
      Class<C> command,
      List<Class<? extends CallEvent>> events,
      boolean mayStay,
      List<Class<? extends CallState>> to,
      String effects,
      CallHandler<Started, C> handler) {
    return new Row(List.<Class<? extends CallState>>copyOf(from), command, events, mayStay, to,
        effects, handler);
  }
}
