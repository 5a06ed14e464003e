package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls from SIP to our users: a new INVITE becomes {@link CallCommand.SipInviteReceived} for
 * the call whose id derives from its Call-ID and From-tag; the call then asks for ringing,
 * answer or rejection ({@link SipLegCommand.Ring}, {@link SipLegCommand.Accept}, {@link
 * SipLegCommand.Reject}); a CANCEL ends the pending INVITE with 487.
 */
final class InboundInvites {
  private static final Logger log = LoggerFactory.getLogger(InboundInvites.class);

  /** 64*T1 with T1 = 500 ms: how long our 2xx waits for its ACK (RFC 3261 Timer H). */
  static final long ACK_WAIT_NANOS = 32_000_000_000L;

  private final SipContext ctx;

  InboundInvites(SipContext ctx) {
    this.ctx = ctx;
  }

  void invite(Request request, ServerTransaction tx, String callId) throws Exception {
    int limit = ctx.sip.settings.maxPendingInvites();
    int pending = ctx.inboundInvites.size();
    if (limit > 0 && pending >= limit) {
      // before any work for the call: under overload, refusing has to stay cheap
      log.warn("overload: {} INVITEs await a final response on this node (limit {}):"
          + " answered 503, retry after {} s", pending, limit,
          ctx.sip.settings.overloadRetryAfter());
      Response r = ctx.requests.response(Response.SERVICE_UNAVAILABLE, request, tag(callId),
          null);
      r.addHeader(ctx.sip.headers.createRetryAfterHeader(ctx.sip.settings.overloadRetryAfter()));
      tx.sendResponse(r);
      return;
    }
    tx.sendResponse(ctx.requests.response(Response.TRYING, request, null, null));
    String uid = request.getRequestURI() instanceof SipURI uri ? uri.getUser() : null;
    if (uid == null || uid.isBlank()) {
      tx.sendResponse(ctx.requests.response(Response.NOT_FOUND, request, tag(callId), null));
      return;
    }
    if (SessionTimers.tooSmall(request)) {
      log.info("INVITE for {} asks for a session interval below {} s: 422", uid,
          SessionTimers.MIN_SE);
      Response r = ctx.requests.response(422, request, tag(callId), null);
      r.addHeader(ctx.sip.headers.createHeader("Min-SE", Integer.toString(SessionTimers.MIN_SE)));
      tx.sendResponse(r);
      return;
    }
    Optional<Sdp.Remote> offer = offerOf(request);
    if (offer.isEmpty()) {
      log.info("INVITE for {} without a usable audio offer: 488", uid);
      Response r = ctx.requests.response(Response.NOT_ACCEPTABLE_HERE, request, tag(callId), null);
      r.addHeader(ctx.sip.headers.createWarningHeader(ctx.sip.settings.host(), 304,
          "offer PCMA or PCMU audio"));
      tx.sendResponse(r);
      return;
    }
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (local.isEmpty()) {
      log.warn("no RTP port free: INVITE for {} rejected with 503", uid);
      tx.sendResponse(ctx.requests.response(Response.SERVICE_UNAVAILABLE, request, tag(callId),
          null));
      return;
    }
    ctx.media.remoteDescribed(callId, offer.get().rtp(), offer.get().media());
    FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
    long cseq = ((javax.sip.header.CSeqHeader) request.getHeader("CSeq")).getSeqNumber();
    SipDialog dialog = new SipDialog(
        SipContext.sipCallId(request),
        tag(callId),
        from.getTag(),
        to.getAddress().getURI().toString(),
        from.getAddress().getURI().toString(),
        contact != null ? contact.getAddress().getURI().toString()
            : from.getAddress().getURI().toString(),
        SipRequests.routeSetOfRequest(request),
        0,
        cseq,
        SessionTimers.refreshOfInbound(request));
    String display = from.getAddress().getDisplayName();
    Party caller = new Party(Party.Kind.SIP, from.getAddress().getURI().toString(), display);
    ctx.inboundInvites.put(callId, new SipContext.PendingInvite(tx, request, offer.get()));
    log.info("INVITE from {} for {} ({})", caller.address(), uid, offer.get().media().codec());
    ctx.calls.tell(callId,
        new CallCommand.SipInviteReceived(dialog, caller, uid, offer.get().media()));
  }

  void ring(SipLegCommand.Ring ring) throws Exception {
    SipContext.PendingInvite pending = pending(ring.callId(), "180");
    if (pending != null) {
      pending.tx().sendResponse(ctx.requests.response(Response.RINGING, pending.request(),
          ring.dialog().localTag(), userOf(pending.request())));
    }
  }

  void accept(SipLegCommand.Accept accept) throws Exception {
    SipContext.PendingInvite pending = pending(accept.callId(), "200");
    if (pending == null) {
      return;
    }
    Optional<InetSocketAddress> local = ctx.media.localRtp(accept.callId());
    if (local.isEmpty()) {
      log.error("no RTP port for the answer: rejecting with 503");
      reject(new SipLegCommand.Reject(accept.callId(), accept.dialog(), 503, null));
      return;
    }
    NegotiatedMedia media = accept.media();
    SdpDirection direction = Sdp.answerDirection(pending.offer().direction(), false);
    Response ok = ctx.requests.response(Response.OK, pending.request(),
        accept.dialog().localTag(), userOf(pending.request()));
    ctx.requests.body(ok, Sdp.answer(local.get(), ctx.nextSdpVersion(accept.callId()), media,
        direction));
    SessionTimers.answer(ok, pending.request(), ctx.sip.headers);
    ctx.offeredDirections.put(accept.callId(), SdpDirection.SENDRECV);
    ctx.inboundInvites.remove(accept.callId());
    ctx.sendUntilAcknowledged(accept.callId(), pending.tx(), ok);
    log.info("answered with {} on {}", media.codec(), local.get());
  }

  /**
   * The stack's cue to send our 2xx (to an INVITE or re-INVITE) again: sent as it was, until
   * 64*T1 (32 s) have passed without an ACK; then the call is told, to end the session with a
   * BYE (RFC 3261 13.3.1.4).
   */
  void retransmit(ServerTransaction tx) throws Exception {
    String callId = SipContext.callIdOfRequest(tx.getRequest());
    SipContext.AnsweredInvite answered = ctx.unacknowledged.get(callId);
    if (answered == null || answered.tx() != tx) {
      SipContext.stopAlerts(tx); // acknowledged or ended meanwhile
      return;
    }
    SipContext.mdc(callId);
    if (System.nanoTime() - answered.sentNanos() >= ACK_WAIT_NANOS) {
      ctx.stopRetransmitting(callId);
      log.warn("no ACK for our 200 within {} s: the call ends", ACK_WAIT_NANOS / 1_000_000_000L);
      ctx.calls.tell(callId, CallCommand.SipAckTimeout.INSTANCE);
      return;
    }
    log.debug("200 sent again: no ACK yet");
    ctx.sip.provider.sendResponse(answered.ok());
  }

  /** The ACK of our 2xx to an INVITE or re-INVITE (it comes outside any transaction). */
  void acknowledged(Request ack) {
    ctx.stopRetransmitting(SipContext.callIdOfRequest(ack));
  }

  void reject(SipLegCommand.Reject reject) throws Exception {
    SipContext.PendingInvite pending = ctx.inboundInvites.remove(reject.callId());
    if (pending == null) {
      log.warn("no pending INVITE on this node to reject with {}", reject.status());
      return;
    }
    Response r = ctx.requests.response(reject.status(), pending.request(),
        reject.dialog().localTag(), null);
    if (reject.cause() != null) {
      r.addHeader(ctx.requests.reason(reject.cause()));
    }
    pending.tx().sendResponse(r);
    ctx.forget(reject.callId());
    log.info("INVITE rejected with {}", reject.status());
  }

  void cancel(Request cancel, ServerTransaction tx, String callId) throws Exception {
    SipContext.PendingInvite pending = ctx.inboundInvites.remove(callId);
    if (pending == null) {
      tx.sendResponse(ctx.requests.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, cancel,
          null, null));
      return;
    }
    tx.sendResponse(ctx.requests.response(Response.OK, cancel, tag(callId), null));
    pending.tx().sendResponse(ctx.requests.response(Response.REQUEST_TERMINATED,
        pending.request(), tag(callId), null));
    log.info("caller cancelled");
    ctx.calls.tell(callId, new CallCommand.SipCancelled("CANCEL"));
  }

  private SipContext.PendingInvite pending(String callId, String what) {
    SipContext.PendingInvite pending = ctx.inboundInvites.get(callId);
    if (pending == null) {
      log.warn("no pending INVITE on this node to answer {} (it arrived on another node or"
          + " was cancelled)", what);
    }
    return pending;
  }

  private Optional<Sdp.Remote> offerOf(Request request) {
    byte[] body = request.getRawContent();
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      return Sdp.read(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    } catch (Exception e) {
      log.info("unreadable SDP offer: {}", e.getMessage());
      return Optional.empty();
    }
  }

  static String userOf(Request request) {
    return request.getRequestURI() instanceof SipURI uri && uri.getUser() != null
        ? uri.getUser() : "rtc2sip";
  }

  private static String tag(String callId) {
    return CallIds.localTagFor(callId, 0);
  }
}
