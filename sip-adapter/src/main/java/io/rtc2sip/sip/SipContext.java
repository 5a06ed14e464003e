package io.rtc2sip.sip;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.MediaEndpoints;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.MDC;

/**
 * What the SIP handlers share: the stack, the message builders, where facts go (the call
 * entities, by id), the media endpoints, and the little node-local state SIP mechanics need
 * while a transaction runs (pending INVITE transactions, our SDP version and hold direction per
 * call). That state is not the call's state: after a failover it is rebuilt from the dialog the
 * entity sends with every command.
 */
final class SipContext {

  /** An INVITE we received and have not answered finally. */
  record PendingInvite(ServerTransaction tx, Request request, Sdp.Remote offer) {}

  /** Our 2xx to an INVITE, sent again until the caller's ACK (RFC 3261 13.3.1.4). */
  record AnsweredInvite(ServerTransaction tx, Response ok, long sentNanos) {}

  /** What a client transaction of ours was for. */
  record Purpose(String callId, String kind, SipDialog dialog, String contactUser) {}

  final SipStackRunner sip;
  final SipRequests requests;
  final EntityMessenger<CallCommand> calls;
  final MediaEndpoints media;
  final Map<String, PendingInvite> inboundInvites = new ConcurrentHashMap<>();
  final Map<String, ClientTransaction> outboundInvites = new ConcurrentHashMap<>();
  final Map<String, AnsweredInvite> unacknowledged = new ConcurrentHashMap<>();
  final Map<String, AtomicLong> sdpVersions = new ConcurrentHashMap<>();
  final Map<String, SdpDirection> offeredDirections = new ConcurrentHashMap<>();

  SipContext(SipStackRunner sip, EntityMessenger<CallCommand> calls, MediaEndpoints media) {
    this.sip = sip;
    this.requests = new SipRequests(sip);
    this.calls = calls;
    this.media = media;
  }

  /** The caller acknowledged our 2xx, or the call is over: the 2xx is not sent again. */
  AnsweredInvite stopRetransmitting(String callId) {
    AnsweredInvite answered = unacknowledged.remove(callId);
    if (answered != null
        && answered.tx() instanceof gov.nist.javax.sip.stack.SIPServerTransaction nist) {
      nist.disableRetransmissionAlerts();
    }
    return answered;
  }

  long nextSdpVersion(String callId) {
    return sdpVersions.computeIfAbsent(callId, id -> new AtomicLong(System.currentTimeMillis() / 1000))
        .incrementAndGet();
  }

  void forget(String callId) {
    inboundInvites.remove(callId);
    stopRetransmitting(callId);
    outboundInvites.remove(callId);
    sdpVersions.remove(callId);
    offeredDirections.remove(callId);
  }

  /**
   * The call a request from the peer belongs to: a Call-ID we generated names it, otherwise the
   * peer's Call-ID and From-tag (the tag of the side that sent the initial INVITE).
   */
  static String callIdOfRequest(Request request) {
    String sipCallId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    String fromTag = ((FromHeader) request.getHeader(FromHeader.NAME)).getTag();
    return CallIds.fromSipCallId(sipCallId)
        .orElseGet(() -> CallIds.forInbound(sipCallId, fromTag == null ? "" : fromTag));
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
