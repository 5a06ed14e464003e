package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.Conference;
import io.rtc2sip.actors.call.CallCommand.PartyAdmission;
import io.rtc2sip.actors.call.CallCommand.PartyAllowed;
import io.rtc2sip.actors.call.CallCommand.PartyRefused;
import io.rtc2sip.actors.call.CallCommand.RemoveParty;
import io.rtc2sip.actors.call.CallCommand.SipAnswered;
import io.rtc2sip.actors.call.CallCommand.SipByeReceived;
import io.rtc2sip.actors.call.CallCommand.SipFailed;
import io.rtc2sip.actors.call.CallCommand.SipProvisional;
import io.rtc2sip.actors.call.CallEvent.PartyInvited;
import io.rtc2sip.actors.call.CallEvent.PartyJoined;
import io.rtc2sip.actors.call.CallEvent.PartyLeft;
import io.rtc2sip.actors.call.CallEvent.PartyReoffered;
import io.rtc2sip.actors.call.CallEvent.SessionReoffered;
import io.rtc2sip.actors.call.CallState.Conferencing;
import io.rtc2sip.actors.call.CallState.Started;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.user.UserCommand;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Conferences: our RTC user adds SIP parties to its answered call, each in a new dialog of the
 * same call (an outbound INVITE like a transfer target's, leg number = party number), one
 * invitation at a time (responses to our INVITE do not say which dialog they are for). A party
 * leaves by its BYE, by the user's {@code remove-party}, or by its INVITE failing; the call
 * goes back to {@link CallState.Active} when the added parties are gone, and ends when the user
 * hangs up or the last SIP party leaves. Each method is the handler of rows of {@link
 * CallTransitions}.
 */
final class ConferenceHandlers {

  /** The most parties of a conference, the RTC user included. */
  static final int MAX_PARTIES = DialPlan.MAX_CONFERENCE_PARTIES + 2;

  private final CallActions a;

  ConferenceHandlers(CallActions actions) {
    this.a = actions;
  }

  /** Active or Conferencing: invite {@code target} as one more party. */
  ReplyEffect<CallEvent, CallState> invite(Started state, Conference c) {
    CallInfo info = state.info();
    if (!a.settings().conference()) {
      return a.reject(c, "conference calls are not supported");
    }
    String refusal = a.destinationRefusal(info.uid(), c.target());
    if (refusal != null) {
      return a.reject(c, DialPlan.FORBIDDEN_DESTINATION, refusal);
    }
    if (state instanceof Conferencing conf) {
      if (conf.inviting() != null) {
        return a.reject(c, "party " + conf.inviting().id() + " is being invited: one at a time");
      }
      // the user, the call's own SIP party and the added ones
      if (conf.parties().size() + 2 >= MAX_PARTIES) {
        return a.reject(c, "a conference has at most " + MAX_PARTIES + " parties");
      }
    }
    int added = state instanceof Conferencing conf ? conf.parties().size() : 0;
    DialPlan plan = a.dialPlanOf(info.uid());
    if (!plan.conferenceAllowed(added)) {
      return a.reject(c, DialPlan.TOO_MANY_CALLS, "the dial plan of " + info.uid() + " allows "
          + plan.conferenceParties() + " added conference parties; the call has " + added);
    }
    if (a.waitsForSession()) {
      return a.reject(c, "a party is being admitted: one at a time");
    }
    if (plan.callsPerMinute() > 0) {
      // one more leg through the trunk: it counts in the user's per-minute window
      // in memory only, like a placement: lost with the node, the client's request times out
      // and nothing was made; the call's end answers it
      long request = a.waitForSession(c);
      int party = info.sipLegs() + 1;
      a.user(info.uid(), new UserCommand.AdmitParty(a.callId(), party, request,
          a.self().narrow()));
      a.armPlacementTimer(new PartyRefused(party, request, Placement.UNAVAILABLE,
          "the user session did not answer in time"), Placement.ADMISSION_TIMEOUT);
      return a.none(); // answered when the user session decides, or the timer does
    }
    return inviteNow(state, c);
  }

  /** Active or Conferencing: the user session admitted the party waiting; invite it. */
  ReplyEffect<CallEvent, CallState> admitted(Started state, PartyAllowed allowed) {
    Conference c = decided(allowed);
    return c == null ? a.none() : inviteNow(state, c);
  }

  /** The user session refused the party waiting (or did not answer): nothing was made. */
  ReplyEffect<CallEvent, CallState> refused(PartyRefused refused) {
    Conference c = decided(refused);
    return c == null ? a.none() : a.reject(c, refused.code(), refused.reason());
  }

  /**
   * The decision for a party waiting came when the call was no longer Active or Conferencing
   * (held, transferring, ended meanwhile): the request is refused, nothing was made.
   */
  ReplyEffect<CallEvent, CallState> decidedTooLate(CallState state, PartyAdmission decision) {
    Conference c = decided(decision);
    return c == null ? a.none()
        : a.reject(c, "the call is " + state.getClass().getSimpleName() + " now: no party added");
  }

  /** The conference request this decision is for, which waits no longer; null when none. */
  private Conference decided(PartyAdmission decision) {
    Conference c = a.takeWaitingForSession(decision.request()) instanceof Conference waiting
        ? waiting : null;
    if (c == null) {
      a.log().info("{} for party {} (request {}) with none waiting for it: ignored",
          decision.getClass().getSimpleName(), decision.party(), decision.request());
      return null;
    }
    a.cancelPlacementTimer();
    return c;
  }

  private ReplyEffect<CallEvent, CallState> inviteNow(Started state, Conference c) {
    CallInfo info = state.info();
    int party = info.sipLegs() + 1;
    String localUri = "sip:" + info.uid() + "@" + a.settings().sipDomain();
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(a.callId(), party),
        CallIds.localTagFor(a.callId(), party), localUri, c.target());
    return a.effects()
        .persist(new PartyInvited(party, c.target(), dialog, a.now()))
        .thenRun(next -> {
          a.log().info("inviting {} as party {}", c.target(), party);
          a.sip(new SipLegCommand.Invite(CallIds.partyLeg(a.callId(), party), dialog,
              Party.rtc(info.uid()),
              Party.sip(c.target())));
          a.client(new ClientNotification.PartyInvited(info.uid(), a.callId(), party,
              c.target()));
        })
        .thenReply(c.replyTo(), next -> a.acceptance());
  }

  ReplyEffect<CallEvent, CallState> provisional(Conferencing state, SipProvisional p) {
    a.log().info("invited party answered {}", p.status());
    return a.none();
  }

  /** The party being invited answered: it joins the mix. */
  ReplyEffect<CallEvent, CallState> answered(Conferencing state, SipAnswered ok) {
    ConferenceParty p = state.inviting();
    if (p == null) {
      a.log().warn("a 200 OK while no party is being invited: ignored");
      return a.none();
    }
    SipDialog dialog = p.dialog().established(ok.remoteTag(), ok.remoteTarget(), ok.routeSet())
        .withSessionRefresh(ok.sessionRefreshSeconds())
        .withLocalCseqAtLeast(ok.inviteCseq());
    String uid = state.info().uid();
    return a.effects()
        .persist(new PartyJoined(p.id(), dialog, ok.media(), a.now()))
        .thenRun(next -> {
          a.log().info("party {} ({}) joined", p.id(), p.target());
          a.media(new MediaCommand.AddParty(a.callId(), p.id(), ok.media()));
          a.client(new ClientNotification.PartyJoined(uid, a.callId(), p.id(), p.target()));
        }).thenNoReply();
  }

  /** The party being invited did not answer: it leaves. */
  ReplyEffect<CallEvent, CallState> failed(Conferencing state, SipFailed f) {
    ConferenceParty p = state.inviting();
    if (p == null) {
      a.log().info("INVITE failure {} while no party is being invited: ignored", f.status());
      return a.none();
    }
    return left(state, p.id(), p.target(), f.status(), () -> a.media(
        new MediaCommand.RemoveParty(a.callId(), p.id())));
  }

  /** A BYE: of an added party (it leaves), or of the call's own SIP party. */
  ReplyEffect<CallEvent, CallState> byeReceived(Conferencing state, SipByeReceived bye) {
    ConferenceParty p = state.partyOfDialog(bye.sipCallId());
    if (p != null) {
      return left(state, p.id(), p.target(), 200, () -> a.media(
          new MediaCommand.RemoveParty(a.callId(), p.id())));
    }
    if (!bye.sipCallId().equals(state.info().dialog().callId())) {
      a.log().info("BYE of an earlier dialog {} ignored", bye.sipCallId());
      return a.none();
    }
    if (joined(state).isEmpty()) {
      // nobody else is there yet: the call is over, the invitation with it
      return hangUp(state, EndCause.REMOTE_HANGUP, null, false);
    }
    return left(state, state.ownParty(), state.info().sipParty().address(), 200,
        () -> a.media(new MediaCommand.RemoveParty(a.callId(), state.ownParty())));
  }

  /** The RTC user removes a party: BYE (CANCEL while it is being invited). */
  ReplyEffect<CallEvent, CallState> remove(Conferencing state, RemoveParty r) {
    CallInfo info = state.info();
    if (r.party() == state.ownParty()) {
      if (joined(state).isEmpty()) {
        return a.reject(r, "party " + r.party() + " is the last one: hang up instead");
      }
      SipDialog bye = info.dialog().nextLocalCseq();
      return left(state, r.party(), info.sipParty().address(), 200, () -> {
        a.sip(new SipLegCommand.Bye(a.callId(), bye, EndCause.LOCAL_HANGUP));
        a.media(new MediaCommand.RemoveParty(a.callId(), r.party()));
      }, r);
    }
    ConferenceParty p = state.party(r.party());
    if (p == null) {
      return a.reject(r, "no party " + r.party() + " in this call");
    }
    if (!p.joined()) {
      return left(state, p.id(), p.target(), 487, () -> {
        a.sip(new SipLegCommand.Cancel(leg(p), p.dialog(), EndCause.LOCAL_HANGUP));
        a.media(new MediaCommand.RemoveParty(a.callId(), p.id()));
      }, r);
    }
    return left(state, p.id(), p.target(), 200, () -> {
      a.sip(new SipLegCommand.Bye(leg(p), p.dialog().nextLocalCseq(), EndCause.LOCAL_HANGUP));
      a.media(new MediaCommand.RemoveParty(a.callId(), p.id()));
    }, r);
  }

  ReplyEffect<CallEvent, CallState> hangup(Conferencing state, CallCommand.Hangup hangup) {
    return hangUp(state, EndCause.LOCAL_HANGUP, hangup, true);
  }

  ReplyEffect<CallEvent, CallState> rtcPeerLeft(Conferencing state) {
    return hangUp(state, EndCause.RTC_PEER_LEFT, null, true);
  }

  ReplyEffect<CallEvent, CallState> rtcMediaFailed(Conferencing state) {
    return hangUp(state, EndCause.RTC_MEDIA_FAILED, null, true);
  }

  /**
   * Recovered on this node: the invitation under way died with the old node (the party leaves
   * with 408); the call's own party and every joined party are offered the session again from
   * this node's media, each in its dialog.
   */
  ReplyEffect<CallEvent, CallState> reanchor(Conferencing state) {
    CallInfo info = state.info();
    List<CallEvent> events = new ArrayList<>();
    ConferenceParty inviting = state.inviting();
    if (inviting != null) {
      events.add(new PartyLeft(inviting.id(), 408, a.now()));
    }
    SipDialog own = info.dialog().nextLocalCseq();
    events.add(new SessionReoffered(SessionReoffered.Reason.REANCHOR, own, a.now()));
    List<ConferenceParty> reoffered = new ArrayList<>();
    for (ConferenceParty p : joined(state)) {
      ConferenceParty next = p.withDialog(p.dialog().nextLocalCseq());
      reoffered.add(next);
      events.add(new PartyReoffered(p.id(), next.dialog(), a.now()));
    }
    return a.effects().persist(events).thenRun(next -> {
      a.log().info("recovered a conference of {} parties: re-offering each", reoffered.size() + 1);
      if (inviting != null) {
        a.client(new ClientNotification.PartyLeft(info.uid(), a.callId(), inviting.id(),
            inviting.target(), 408));
      }
      a.media(new MediaCommand.Reanchor(a.callId(), info.rtc(), info.media(),
          SdpDirection.SENDRECV));
      a.sip(new SipLegCommand.Reinvite(a.callId(), own, SdpDirection.SENDRECV, info.media()));
      for (ConferenceParty p : reoffered) {
        a.media(new MediaCommand.AddParty(a.callId(), p.id(), p.media()));
        a.sip(new SipLegCommand.Reinvite(leg(p), p.dialog(), SdpDirection.SENDRECV,
            p.media()));
      }
    }).thenNoReply();
  }

  // ---------------------------------------------------------------- shared

  private ReplyEffect<CallEvent, CallState> left(Conferencing state, int party, String peer,
      int status, Runnable sends) {
    return left(state, party, peer, status, sends, null);
  }

  private ReplyEffect<CallEvent, CallState> left(Conferencing state, int party, String peer,
      int status, Runnable sends, RemoveParty replyTo) {
    String uid = state.info().uid();
    var effect = a.effects()
        .persist(new PartyLeft(party, status, a.now()))
        .thenRun(next -> {
          a.log().info("party {} ({}) left: {}", party, peer, status);
          sends.run();
          a.client(new ClientNotification.PartyLeft(uid, a.callId(), party, peer, status));
        });
    return replyTo == null ? effect.thenNoReply()
        : effect.thenReply(replyTo.replyTo(), next -> a.acceptance());
  }

  /** Ends the conference: BYE to every party in a dialog, CANCEL of an invitation. */
  private ReplyEffect<CallEvent, CallState> hangUp(Conferencing state, EndCause cause,
      CallCommand.Hangup replyTo, boolean byeOwn) {
    CallInfo info = state.info();
    return a.end(state, EndCall.of(cause, 200).answering(replyTo).sending(() -> {
      for (ConferenceParty p : state.parties()) {
        a.sip(p.joined()
            ? new SipLegCommand.Bye(leg(p), p.dialog().nextLocalCseq(), cause)
            : new SipLegCommand.Cancel(leg(p), p.dialog(), cause));
      }
      if (byeOwn) {
        a.sip(new SipLegCommand.Bye(a.callId(), info.dialog().nextLocalCseq(), cause));
      }
    }));
  }

  /**
   * The key the adapters know an added party's SIP leg and media by: commands about its dialog
   * carry it as their call id ({@link CallIds#partyLeg}).
   */
  private String leg(ConferenceParty p) {
    return CallIds.partyLeg(a.callId(), p.id());
  }

  private static List<ConferenceParty> joined(Conferencing state) {
    return state.parties().stream().filter(ConferenceParty::joined).toList();
  }
}
