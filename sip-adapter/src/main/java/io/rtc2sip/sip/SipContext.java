package io.rtc2sip.sip;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SipDialog;
import java.util.Optional;
import io.rtc2sip.actors.port.MediaEndpoints;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import io.rtc2sip.actors.Mdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the SIP handlers share: the stack, the message builders, where facts go (the call
 * entities, by id), the media endpoints, and the calls' {@link SipLeg}s on this node (the little
 * node-local state SIP mechanics need: pending transactions, our 2xx until its ACK, our SDP
 * version and hold direction, the dialogs' identities). That state is not the call's state: after
 * a failover it is rebuilt from the dialog the entity sends with every command.
 */
final class SipContext {
  private static final Logger log = LoggerFactory.getLogger(SipContext.class);


  /** What a client transaction of ours was for. */
  record Purpose(String callId, String kind, SipDialog dialog, String contactUser) {}

  /** Where a client transaction that got no final response ends up (timeout, transport error). */
  interface TransactionFailures {
    void failed(Purpose purpose, int status, String reason);
  }

  final SipStackRunner sip;
  final SipRequests requests;
  final EntityMessenger<CallCommand> calls;
  final MediaEndpoints media;
  final SipLegs legs = new SipLegs(this::leftovers);
  final DialogMismatches mismatches;
  /** Whether new calls can be taken: their first event must reach the journal. */
  final JournalAvailability journal;
  /** Set by the listener when the adapter starts. */
  volatile TransactionFailures failures;

  SipContext(SipStackRunner sip, EntityMessenger<CallCommand> calls, MediaEndpoints media,
      DialogMismatches mismatches, JournalAvailability journal) {
    this.sip = sip;
    this.journal = journal;
    this.requests = new SipRequests(sip);
    // an added conference party's leg (call/N) is its call's: facts go to the call
    this.calls = (leg, command) -> calls.tell(CallIds.callOfLeg(leg), command);
    this.media = media;
    this.mismatches = mismatches;
  }

  /** A client transaction for our request, marked with what it is for. */
  ClientTransaction newTransaction(Request request, Purpose purpose)
      throws javax.sip.TransactionUnavailableException {
    ClientTransaction tx = sip.provider.getNewClientTransaction(request);
    tx.setApplicationData(purpose);
    return tx;
  }

  /**
   * Sends a request of ours. One that cannot even leave (a TCP connection refused, no route)
   * fails its transaction at once as if answered 503 (RFC 3261 8.1.3.1), through the same path as
   * a timeout, instead of being only logged while its call waits.
   */
  void send(ClientTransaction tx) {
    try {
      tx.sendRequest();
    } catch (javax.sip.SipException transportError) {
      Purpose purpose = (Purpose) tx.getApplicationData();
      failures.failed(purpose, 503, "could not send " + tx.getRequest().getMethod() + " to "
          + tx.getRequest().getRequestURI() + ": " + transportError.getMessage());
    }
  }

  /**
   * Sends our 2xx to an INVITE or re-INVITE and keeps sending it until its ACK: without the
   * stack's dialogs this is ours, on the stack's RETRANSMIT timeouts of the transaction (0.5 s
   * after the 2xx, then every 1.5 s: its fixed 500 ms tick, not T1; {@link
   * InboundInvites#retransmit}).
   */
  void sendUntilAcknowledged(SipLeg leg, ServerTransaction tx, Response ok)
      throws javax.sip.SipException, javax.sip.InvalidArgumentException {
    tx.enableRetransmissionAlerts();
    leg.unacknowledged(new SipLeg.AnsweredInvite(tx, ok, System.nanoTime()));
    tx.sendResponse(ok);
  }

  /** The peer acknowledged our 2xx, or the call is over: the 2xx is not sent again. */
  void stopRetransmitting(SipLeg leg) {
    SipLeg.AnsweredInvite answered = leg.takeUnacknowledged();
    if (answered != null) {
      stopAlerts(answered.tx());
      // our BYE of that dialog waited for this ACK, or for our 2xx to give up
      sendBye(leg, leg.takeByeAfterAck(sipCallId(answered.ok())));
    }
  }

  /** No more RETRANSMIT timeouts for this transaction. */
  static void stopAlerts(ServerTransaction tx) {
    if (tx instanceof gov.nist.javax.sip.stack.SIPServerTransaction nist) {
      nist.disableRetransmissionAlerts();
    }
  }

  /**
   * What must still go out of a leg that is dropped: an INVITE still waiting in it (its call was
   * found over just after the INVITE was let in, and the call's own answer will find no leg) is
   * answered 481, as an INVITE for a call that is over, so that it never waits for the caller's
   * timeout; our BYE that waited for the ACK of our 2xx goes now.
   */
  private void leftovers(SipLeg leg) {
    SipLeg.PendingInvite pending = leg.takePendingInvite();
    if (pending != null) {
      Mdc.runWithCall(CallIds.callOfLeg(leg.callId), () -> {
        try {
          pending.tx().sendResponse(requests.response(
              Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, pending.request(),
              InboundInvites.tag(leg.callId), null));
          log.info("the call is over: the INVITE waiting in its dropped leg is answered 481");
        } catch (Exception e) {
          log.warn("the INVITE waiting in a dropped leg could not be answered: {}",
              e.toString());
        }
      });
    }
    sendByesAfterAck(leg);
  }

  /** Sends every BYE of ours that waited in {@code leg} for the ACK of our 2xx. */
  void sendByesAfterAck(SipLeg leg) {
    leg.takeByesAfterAck().forEach(bye -> sendBye(leg, bye));
  }

  private void sendBye(SipLeg leg, ReliableProvisionals.Step bye) {
    if (bye == null) {
      return;
    }
    // on the thread of the ACK, of the 2xx giving up, of the leg's drop or of the node's stop
    Mdc.runWithCall(CallIds.callOfLeg(leg.callId), () -> {
      try {
        bye.run();
      } catch (Exception e) {
        log.warn("the BYE that waited for the ACK could not be sent: {}", e.toString());
      }
    });
  }

  /** The call is over on this node: its leg and all it held are dropped. */
  void forget(String callId) {
    legs.drop(callId);
  }

  /**
   * The call a request from the peer belongs to: a Call-ID we generated names it, otherwise the
   * peer's Call-ID and From-tag (the tag of the side that sent the initial INVITE). A request
   * with our Call-ID and our own From-tag of that dialog is one we sent that came back to us
   * (a call from one of our users to another, straight or through the SIP platform): it belongs
   * to the call on the answering side, by Call-ID and From-tag like any peer's.
   */
  static String callIdOfRequest(Request request) {
    String sipCallId = sipCallId(request);
    String fromTag = fromTag(request);
    String toTag = toTag(request);
    if (toTag == null && Request.INVITE.equals(request.getMethod())) {
      Optional<Replaces> replaces = ReplacingInvites.replacesOf(request);
      if (replaces.isPresent()) {
        // a new dialog that is to take over the call the Replaces names: routed to that call
        Replaces r = replaces.get();
        return CallIds.forReplaced(r.callId(), r.toTag(), r.fromTag());
      }
    }
    return CallIds.fromSipCallId(sipCallId)
        .filter(ours -> !sentByUs(ours, sipCallId, fromTag))
        .or(() -> CallIds.fromReplacingTag(toTag))
        .orElseGet(() -> CallIds.forInbound(sipCallId, fromTag == null ? "" : fromTag));
  }

  /** Whether {@code fromTag} is our tag in the dialog {@code sipCallId} of call {@code ours}. */
  private static boolean sentByUs(String ours, String sipCallId, String fromTag) {
    return fromTag != null && fromTag.equals(
        CallIds.localTagFor(ours, CallIds.legOfSipCallId(sipCallId).orElse(1)));
  }

  /**
   * The leg a request from the peer belongs to: an added conference party's ({@link
   * CallIds#partyLeg}) when its Call-ID names a dialog of such a leg on this node, else its call
   * ({@link #callIdOfRequest}).
   */
  String legOfRequest(Request request) {
    return legOf(callIdOfRequest(request), sipCallId(request));
  }

  /** The leg a response to our request belongs to, as {@link #legOfRequest}. */
  String legOfResponse(Response response) {
    return legOf(callIdOfResponse(response), sipCallId(response));
  }

  private String legOf(String callId, String sipCallId) {
    Integer leg = CallIds.legOfSipCallId(sipCallId).orElse(1);
    if (leg > 1 && CallIds.isWellFormed(callId)) {
      String party = CallIds.partyLeg(callId, leg);
      if (legs.get(party) != null) {
        return party;
      }
    }
    return callId;
  }

  /**
   * The call a response to our request belongs to: a Call-ID we generated names it, otherwise
   * (our request in a dialog the peer started) the peer's Call-ID and its tag, in To.
   */
  static String callIdOfResponse(Response response) {
    String sipCallId = sipCallId(response);
    String peerTag = toTag(response);
    String ourTag = fromTag(response);
    return CallIds.fromSipCallId(sipCallId).or(() -> CallIds.fromReplacingTag(ourTag))
        .orElseGet(() -> CallIds.forInbound(sipCallId, peerTag == null ? "" : peerTag));
  }

  /** Sends an ACK for a 2xx and keeps it, to send it again if the 2xx comes again. */
  void acknowledge(SipLeg leg, Request ack) throws javax.sip.SipException {
    leg.ack(ack);
    sip.provider.sendRequest(ack);
  }

  /**
   * When {@code ok} is a 2xx to our INVITE that we acknowledged already, our ACK was lost: sends
   * it again (RFC 3261 13.2.2.4) and returns true; the 2xx is no news for the call.
   */
  boolean acknowledgedAgain(String callId, Response ok) throws javax.sip.SipException {
    SipLeg leg = legs.get(callId);
    Request ack = leg == null ? null : leg.ack();
    if (ack == null || cseqOf(ack) != cseqOf(ok)
        || !sipCallId(ack).equals(sipCallId(ok))) {
      return false;
    }
    sip.provider.sendRequest(ack);
    return true;
  }

  static long cseqOf(Message m) {
    return ((javax.sip.header.CSeqHeader) m.getHeader(javax.sip.header.CSeqHeader.NAME))
        .getSeqNumber();
  }

  static String fromTag(Message m) {
    return ((FromHeader) m.getHeader(FromHeader.NAME)).getTag();
  }

  static String sipCallId(Message m) {
    return ((CallIdHeader) m.getHeader(CallIdHeader.NAME)).getCallId();
  }

  static String toTag(Message m) {
    return ((ToHeader) m.getHeader(ToHeader.NAME)).getTag();
  }

  static void mdc(String callId) {
    MDC.put("callId", callId == null ? "" : callId);
  }

  static void clearMdc() {
    MDC.remove("callId");
  }
}
