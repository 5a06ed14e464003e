package io.rtc2sip.actors.call;

import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import java.time.Instant;

/**
 * What every started call knows, whatever its state.
 *
 * @param callId the entity id
 * @param direction who started the call
 * @param caller the calling party
 * @param callee the called party
 * @param rtc the RTC channel and uid of our RTC user
 * @param dialog the current SIP dialog
 * @param media the negotiated media (for inbound calls the caller's offer until answered); null
 *     before any SDP was exchanged
 * @param createdAt when the call started
 * @param answeredAt when it was answered, null before
 * @param since when the call entered its current state
 * @param sipLegs how many dialogs the gateway opened for this call (names the next Call-ID)
 */
public record CallInfo(
    String callId,
    CallDirection direction,
    Party caller,
    Party callee,
    RtcLeg rtc,
    SipDialog dialog,
    NegotiatedMedia media,
    Instant createdAt,
    Instant answeredAt,
    Instant since,
    int sipLegs) {

  /** The RTC user of the call: the one notifications go to. */
  public String uid() {
    return rtc.uid();
  }

  public CallInfo since(Instant at) {
    return new CallInfo(
        callId, direction, caller, callee, rtc, dialog, media, createdAt, answeredAt, at, sipLegs);
  }

  public CallInfo withDialog(SipDialog d) {
    return new CallInfo(
        callId, direction, caller, callee, rtc, d, media, createdAt, answeredAt, since, sipLegs);
  }

  public CallInfo withMedia(NegotiatedMedia m) {
    return new CallInfo(
        callId, direction, caller, callee, rtc, dialog, m, createdAt, answeredAt, since, sipLegs);
  }

  public CallInfo withRtc(RtcLeg leg) {
    return new CallInfo(
        callId, direction, caller, callee, leg, dialog, media, createdAt, answeredAt, since, sipLegs);
  }

  public CallInfo withSipLegs(int legs) {
    return new CallInfo(
        callId, direction, caller, callee, rtc, dialog, media, createdAt, answeredAt, since, legs);
  }

  /** Answered at {@code at} in dialog {@code d} with media {@code m}. */
  public CallInfo answered(SipDialog d, NegotiatedMedia m, Instant at) {
    return new CallInfo(callId, direction, caller, callee, rtc, d, m, createdAt, at, at, sipLegs);
  }

  /** After the peer transferred us: the new SIP party, dialog and media replace the old ones. */
  public CallInfo transferredTo(Party party, SipDialog d, NegotiatedMedia m) {
    Party newCaller = direction == CallDirection.INBOUND ? party : caller;
    Party newCallee = direction == CallDirection.OUTBOUND ? party : callee;
    return new CallInfo(
        callId, direction, newCaller, newCallee, rtc, d, m, createdAt, answeredAt, since, sipLegs);
  }

  /** The SIP party of the call (the callee of outbound calls, the caller of inbound calls). */
  public Party sipParty() {
    return direction == CallDirection.OUTBOUND ? callee : caller;
  }
}
