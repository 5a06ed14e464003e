package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.PlaceCall;
import io.rtc2sip.actors.call.CallCommand.PlacementAllowed;
import io.rtc2sip.actors.call.CallCommand.PlacementDecision;
import io.rtc2sip.actors.call.CallCommand.PlacementRefused;
import io.rtc2sip.actors.call.CallEvent.CallDialed;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.user.UserCommand;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A call being placed, before anything is persisted or sent: the user's dial plan must allow the
 * destination (checked here), then the user's session must admit one more call under its
 * concurrent-call and per-minute limits (it counts the calls of its user across the cluster). A
 * refused call gets a {@link CallReply.Rejected} with the dial plan's code, persists nothing,
 * sends no INVITE and passivates. The placement waiting for the user session lives in memory
 * only: lost with the node, the client's request times out and nothing was made.
 */
final class Placement {

  /** How long a placement waits for the user session's decision. */
  static final Duration ADMISSION_TIMEOUT = Duration.ofSeconds(5);
  static final String UNAVAILABLE = "unavailable";

  private final CallActions a;
  private PlaceCall waiting;

  Placement(CallActions actions) {
    this.a = actions;
  }

  /** Whether a placement waits for the user session (the idle entity must not passivate). */
  boolean waiting() {
    return waiting != null;
  }

  ReplyEffect<CallEvent, CallState> place(PlaceCall place) {
    if (blank(place.rtcChannel()) || blank(place.target())) {
      // the signaling edge refuses these first; an RtcLeg without channel would throw here
      a.passivate();
      return a.reject(place, "a call needs an RTC channel and a target");
    }
    if (waiting != null) {
      return a.reject(place, "the call id is already in use");
    }
    String refusal = a.destinationRefusal(place.uid(), place.target());
    if (refusal != null) {
      a.passivate();
      return a.reject(place, DialPlan.FORBIDDEN_DESTINATION, refusal);
    }
    if (!a.limited(place.uid())) {
      // no limits to count against: no round trip to the user session, no extra write
      return dial(place);
    }
    waiting = place;
    a.user(place.uid(), new UserCommand.AdmitCall(a.callId(), a.self().narrow()));
    a.armPlacementTimer(new PlacementRefused(place.uid(), UNAVAILABLE,
        "the user session did not answer in time"), ADMISSION_TIMEOUT);
    return a.none(); // answered when the user session decides, or the timer does
  }

  /** The user session admits the call waiting: dial out. */
  ReplyEffect<CallEvent, CallState> allowed(PlacementAllowed allowed) {
    PlaceCall place = decided(allowed);
    return place == null ? a.none() : dial(place);
  }

  /** The user session refuses the call waiting: nothing was made, the entity passivates. */
  ReplyEffect<CallEvent, CallState> refused(PlacementRefused refused) {
    PlaceCall place = decided(refused);
    if (place == null) {
      return a.none();
    }
    a.passivate();
    return a.reject(place, refused.code(), refused.reason());
  }

  /** The placement this decision is for, which waits no longer; null when none waits. */
  private PlaceCall decided(PlacementDecision decision) {
    PlaceCall place = waiting;
    if (place == null || !place.uid().equals(decision.uid())) {
      a.log().info("{} with no call of {} waiting: ignored",
          decision.getClass().getSimpleName(), decision.uid());
      if (place == null) {
        a.passivate();
      }
      return null;
    }
    waiting = null;
    a.cancelPlacementTimer();
    return place;
  }

  /** Dials out: persists the call, then answers the client and sends the INVITE. */
  private ReplyEffect<CallEvent, CallState> dial(PlaceCall place) {
    String callId = a.callId();
    String target = place.target().strip();
    String remoteUri = target.startsWith("sip:") || target.startsWith("sips:")
        ? target
        : "sip:" + target + "@" + a.settings().sipDomain();
    String localUri = "sip:" + place.uid() + "@" + a.settings().sipDomain();
    SipDialog dialog =
        SipDialog.outgoing(
            CallIds.sipCallIdFor(callId), CallIds.localTagFor(callId, 1), localUri, remoteUri);
    Party caller = Party.rtc(place.uid());
    Party callee = Party.sip(remoteUri);
    RtcLeg rtc = place.rtc();
    Instant now = a.now();
    CallDialed event =
        new CallDialed(
            callId, caller, callee, rtc, dialog, now.plus(a.settings().noAnswerTimeout()), now);
    long persisting = System.nanoTime();
    var dialled = a.effects()
        .persist(event)
        .thenRun(
            next -> {
              a.counted(CallDirection.OUTBOUND, null, persisting);
              a.log().info("dialing {} for {}{}", remoteUri, place.uid(),
                  place.rtcOffer() == null ? "" : " (WebRTC)");
              MediaCommand.BrowserOffer browser = place.rtcOffer() == null ? null
                  : new MediaCommand.BrowserOffer(place.rtcOffer(), place.replyTo());
              a.user(place.uid(), new UserCommand.CallStarted(callId));
              a.media(new MediaCommand.Prepare(callId, rtc, CallDirection.OUTBOUND, browser));
              a.sip(new SipLegCommand.Invite(callId, dialog, caller, callee));
              a.armTimer(next);
            });
    // a browser's call is answered by the media, with its SDP
    return place.rtcOffer() == null
        ? dialled.thenReply(place.replyTo(), next -> a.acceptance())
        : dialled.thenNoReply();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
