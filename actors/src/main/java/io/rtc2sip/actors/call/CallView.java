package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import java.time.Instant;

/**
 * The answer to {@link CallCommand.GetCall}. For a call id that never started: {@code state} is
 * {@code "Idle"} and every other field except {@code callId} is null (false for the flags).
 *
 * @param state the state's name: Idle, Dialing, Ringing, Cancelling, Routing, Parked, Alerting,
 *     Active, Held, Transferring, Referred, Ended
 * @param since when the call entered {@code state}
 * @param endCause why the call ended (only in state Ended)
 * @param rtcAddress where the call's RTC audio is: the loopback RTC network ({@code host:port}) of
 *     the node running the call, null on a network that is not node-local
 * @param sipAddress the SIP listener ({@code host:port}) of the node running the call (also for
 *     a call that has not started: the node it would start on); null when unknown
 */
public record CallView(
    String callId,
    String state,
    CallDirection direction,
    Party caller,
    Party callee,
    RtcLeg rtc,
    SipDialog dialog,
    NegotiatedMedia media,
    boolean localHold,
    boolean remoteHold,
    EndCause endCause,
    Instant since,
    String rtcAddress,
    String sipAddress)
    implements CborSerializable {

  /** A view without the node's SIP address. */
  public CallView(String callId, String state, CallDirection direction, Party caller,
      Party callee, RtcLeg rtc, SipDialog dialog, NegotiatedMedia media, boolean localHold,
      boolean remoteHold, EndCause endCause, Instant since, String rtcAddress) {
    this(callId, state, direction, caller, callee, rtc, dialog, media, localHold, remoteHold,
        endCause, since, rtcAddress, null);
  }

  static CallView of(String callId, CallState state, String rtcAddress, String sipAddress) {
    if (!(state instanceof CallState.Started started)) {
      return new CallView(
          callId, state.stateName(), null, null, null, null, null, null, false, false, null, null,
          null, sipAddress);
    }
    CallInfo i = started.info();
    EndCause cause = state instanceof CallState.Ended e ? e.cause() : null;
    return new CallView(
        callId,
        state.stateName(),
        i.direction(),
        i.caller(),
        i.callee(),
        i.rtc(),
        i.dialog(),
        i.media(),
        started.hold().local(),
        started.hold().remote(),
        cause,
        i.since(),
        rtcAddress,
        sipAddress);
  }
}
