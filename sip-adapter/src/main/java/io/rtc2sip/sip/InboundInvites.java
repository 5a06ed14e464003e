package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SdesKey;
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
 * SipLegCommand.Reject}); a CANCEL ends the pending INVITE with 487. The INVITE opens the call's
 * {@link SipLeg} on this node; a new INVITE for a call that has one is refused with 482. An
 * INVITE the call never takes up is answered by {@link LegChecks}.
 */
final class InboundInvites {
  private static final Logger log = LoggerFactory.getLogger(InboundInvites.class);

  private final SipContext ctx;
  private final ReliableProvisionals reliable;
  /** 64*T1: how long our 2xx waits for its ACK (RFC 3261 13.3.1.4). */
  private final long ackWaitNanos;

  InboundInvites(SipContext ctx, ReliableProvisionals reliable, SipTimers timers) {
    this.ctx = ctx;
    this.reliable = reliable;
    this.ackWaitNanos = timers.ackWait().toNanos();
  }

  void invite(Request request, ServerTransaction tx, String callId) throws Exception {
    SipLeg existing = ctx.legs.get(callId);
    if (existing != null) {
      sameCall(existing, request, tx);
      return;
    }
    if (!ctx.journal.available()) {
      // the call's first event could not be written: refuse now rather than 100 and silence
      ctx.journal.refused("sip");
      log.info("journal database unavailable: INVITE answered 503, retry after {} s",
          journalRetryAfter());
      unavailable(request, tx, callId, journalRetryAfter(), "journal database unavailable");
      return;
    }
    if (refusedForOverload(request, tx, callId)) {
      return;
    }
    tx.sendResponse(ctx.requests.response(Response.TRYING, request, null, null));
    String uid = request.getRequestURI() instanceof SipURI uri ? uri.getUser() : null;
    if (uid == null || uid.isBlank()) {
      tx.sendResponse(ctx.requests.response(Response.NOT_FOUND, request, tag(callId), null));
      return;
    }
    if (refusedSessionInterval(request, tx, tag(callId), "for " + uid)) {
      return;
    }
    if (refusedExtension(request, tx, tag(callId), "for " + uid)) {
      return;
    }
    ReliableProvisionals.Decision reliability = reliable.decide(request);
    Optional<Offered> offered = offer(request, tx, tag(callId), "for " + uid);
    if (offered.isEmpty()) {
      return;
    }
    Optional<Sdp.Remote> offer = Optional.of(offered.get().offer());
    SdesDecision.Outcome srtp = offered.get().srtp();
    SipLeg leg = ctx.legs.openInbound(callId);
    if (leg == null) {
      sameCall(ctx.legs.get(callId), request, tx); // another INVITE of the call came first
      return;
    }
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (local.isEmpty()) {
      ctx.legs.drop(leg);
      log.warn("no RTP port free: INVITE for {} rejected with 503", uid);
      tx.sendResponse(ctx.requests.response(Response.SERVICE_UNAVAILABLE, request, tag(callId),
          null));
      return;
    }
    ctx.media.remoteDescribed(callId, offer.get().rtp(), offer.get().media(), srtp.sdes());
    FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
    long cseq = SipContext.cseqOf(request);
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
    leg.opened(DialogId.of(dialog));
    boolean reliably = reliability == ReliableProvisionals.Decision.RELIABLE;
    leg.pending(new SipLeg.PendingInvite(tx, request, offer.get(), srtp,
        reliably ? ReliableProvisionals.exchange() : null), true);
    log.info("INVITE from {} for {} ({}, {}{})", caller.address(), uid,
        offer.get().media().codec(), srtp.describe(), reliably ? ", reliable 18x" : "");
    ctx.calls.tell(callId,
        new CallCommand.SipInviteReceived(dialog, caller, uid, offer.get().media()));
  }

  /**
   * 503 with Retry-After, before any work, while {@code overload.max-pending-invites} INVITEs
   * already await our final response on this node; true when {@code request} was refused.
   */
  boolean refusedForOverload(Request request, ServerTransaction tx, String callId)
      throws Exception {
    int limit = ctx.sip.settings.maxPendingInvites();
    int pending = ctx.legs.pendingInvites();
    if (limit > 0 && pending >= limit) {
      // before any work for the call: under overload, refusing has to stay cheap
      log.warn("overload: {} INVITEs await a final response on this node (limit {}):"
          + " answered 503, retry after {} s", pending, limit,
          ctx.sip.settings.overloadRetryAfter());
      unavailable(request, tx, callId, ctx.sip.settings.overloadRetryAfter(), null);
      return true;
    }
    return false;
  }

  /**
   * 420 Bad Extension with {@code Unsupported: 100rel} to an INVITE that requires 100rel while it
   * is off here (RFC 3261 8.2.2.3, RFC 3262 3); whether it was sent.
   */
  boolean refusedExtension(Request request, ServerTransaction tx, String tag, String who)
      throws Exception {
    if (reliable.decide(request) != ReliableProvisionals.Decision.REFUSE) {
      return false;
    }
    log.info("INVITE {} requires 100rel, which is off here: 420", who);
    Response r = ctx.requests.response(Response.BAD_EXTENSION, request, tag, null);
    r.addHeader(ctx.sip.headers.createUnsupportedHeader(ReliableProvisionals.TAG));
    tx.sendResponse(r);
    return true;
  }

  /** 422 with our Min-SE to an INVITE asking for a shorter session interval (RFC 4028). */
  boolean refusedSessionInterval(Request request, ServerTransaction tx, String tag, String who)
      throws Exception {
    if (!SessionTimers.tooSmall(request)) {
      return false;
    }
    log.info("INVITE {} asks for a session interval below {} s: 422", who, SessionTimers.MIN_SE);
    Response r = ctx.requests.response(422, request, tag, null);
    r.addHeader(ctx.sip.headers.createHeader("Min-SE", Integer.toString(SessionTimers.MIN_SE)));
    tx.sendResponse(r);
    return true;
  }

  /** An INVITE's SDP offer (its media marked SRTP as decided) and what we do about SRTP. */
  record Offered(Sdp.Remote offer, SdesDecision.Outcome srtp) {}

  /**
   * The INVITE's offer if we can answer it; otherwise the INVITE is answered 488 with a Warning
   * (with our tag {@code tag}; {@code who} names it in the log) and the result is empty.
   */
  Optional<Offered> offer(Request request, ServerTransaction tx, String tag, String who)
      throws Exception {
    Optional<Sdp.Remote> offer;
    try {
      offer = Sdp.read(request);
    } catch (javax.sdp.SdpException | RuntimeException bad) {
      // not SDP, a host name instead of an address, numbers that are not numbers
      log.info("INVITE {} with an SDP offer we cannot use ({}): 488", who, bad.getMessage());
      Response r = ctx.requests.response(Response.NOT_ACCEPTABLE_HERE, request, tag, null);
      r.addHeader(ctx.sip.headers.createWarningHeader(ctx.sip.settings.host(), 399,
          Sdp.warning(bad)));
      tx.sendResponse(r);
      return Optional.empty();
    }
    if (offer.isEmpty()) {
      log.info("INVITE {} without a usable audio offer: 488", who);
      Response r = ctx.requests.response(Response.NOT_ACCEPTABLE_HERE, request, tag, null);
      r.addHeader(ctx.sip.headers.createWarningHeader(ctx.sip.settings.host(), 304,
          "offer PCMA or PCMU audio"));
      tx.sendResponse(r);
      return Optional.empty();
    }
    SdesDecision.Outcome srtp =
        SdesDecision.forRequest(ctx.sip.settings.srtp(), tx).offerReceived(offer.get());
    if (srtp.isRefused()) {
      log.info("INVITE {} refused: {}: 488", who, srtp.refusal());
      Response r = ctx.requests.response(Response.NOT_ACCEPTABLE_HERE, request, tag, null);
      r.addHeader(ctx.sip.headers.createWarningHeader(ctx.sip.settings.host(), 399,
          srtp.refusal()));
      tx.sendResponse(r);
      return Optional.empty();
    }
    return Optional.of(new Offered(offer.get().srtp(srtp.srtp()), srtp));
  }

  /**
   * An INVITE without To-tag for a call this node has a leg for. The same INVITE again (its
   * branch and CSeq) is a retransmission: our 2xx goes again if we sent one. Any other is a
   * merged request or an attempt to take the call over (same Call-ID and From-tag): 482 Loop
   * Detected (RFC 3261 8.2.2.2), and the call never hears of it.
   */
  private void sameCall(SipLeg leg, Request request, ServerTransaction tx) throws Exception {
    SipLeg.PendingInvite pending = leg == null ? null : leg.pendingInvite();
    if (pending != null && (pending.tx() == tx || sameTransaction(pending.request(), request))) {
      return; // the transaction answers it
    }
    SipLeg.AnsweredInvite answered = leg == null ? null : leg.unacknowledged();
    if (answered != null && sameTransaction(answered.tx().getRequest(), request)) {
      ctx.sip.provider.sendResponse(answered.ok());
      return;
    }
    ctx.mismatches.refused(Request.INVITE, "merged", Response.LOOP_DETECTED,
        "a new INVITE with the Call-ID and From-tag of a call in progress");
    // a tag of its own: the refusal is no part of the call's dialog
    tx.sendResponse(ctx.requests.response(Response.LOOP_DETECTED, request,
        java.util.UUID.randomUUID().toString().substring(0, 8), null));
  }

  /** 503 with Retry-After (and a Reason, when {@code why} is given) to {@code request}. */
  void unavailable(Request request, ServerTransaction tx, String callId, int retryAfter,
      String why) throws Exception {
    Response r = ctx.requests.response(Response.SERVICE_UNAVAILABLE, request, tag(callId), null);
    r.addHeader(ctx.sip.headers.createRetryAfterHeader(retryAfter));
    if (why != null) {
      r.addHeader(ctx.sip.headers.createHeader("Reason",
          "SIP;cause=503;text=\"" + why + "\""));
    }
    tx.sendResponse(r);
  }

  /** The Retry-After of a 503 while the journal is unavailable, in seconds. */
  int journalRetryAfter() {
    return (int) Math.max(1, ctx.journal.settings().retryAfter().toSeconds());
  }

  /** Whether two requests share their transaction: top Via branch and CSeq number. */
  static boolean sameTransaction(Request a, Request b) {
    return SipContext.cseqOf(a) == SipContext.cseqOf(b)
        && java.util.Objects.equals(branch(a), branch(b));
  }

  private static String branch(Request r) {
    javax.sip.header.ViaHeader via = (javax.sip.header.ViaHeader) r.getHeader(
        javax.sip.header.ViaHeader.NAME);
    return via == null ? null : via.getBranch();
  }

  void ring(SipLegCommand.Ring ring) throws Exception {
    SipLeg.PendingInvite pending = pending(ring.callId(), ring.earlyMedia() ? "183" : "180");
    if (pending == null) {
      return;
    }
    Optional<Response> progress = ring.earlyMedia()
        ? sessionProgress(ring.callId(), pending, ring.dialog().localTag()) : Optional.empty();
    Response response = progress.isPresent() ? progress.get()
        : ctx.requests.response(Response.RINGING, pending.request(), ring.dialog().localTag(),
            userOf(pending.request()));
    if (pending.reliable() == null) {
      pending.tx().sendResponse(response);
      return;
    }
    String sdp = response.getRawContent() == null ? null
        : new String(response.getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
    reliable.send(ring.callId(), ctx.legs.get(ring.callId()), pending, response, sdp);
  }

  /**
   * Our 200 to the pending INVITE; with 100rel, once the reliable 18x outstanding (if any) is
   * PRACKed.
   */
  void accept(SipLegCommand.Accept accept) throws Exception {
    SipLeg leg = ctx.legs.get(accept.callId());
    SipLeg.PendingInvite pending = pending(accept.callId(), accept.dialog(), "200");
    if (pending == null) {
      return;
    }
    reliable.afterPrack(pending, () -> answer(accept, leg, pending), true);
  }

  private void answer(SipLegCommand.Accept accept, SipLeg leg, SipLeg.PendingInvite pending)
      throws Exception {
    if (!leg.takePendingInviteToAnswer(pending)) {
      return; // cancelled or ended while the 200 waited for a PRACK
    }
    try {
      answerTaken(accept, leg, pending);
    } catch (Exception e) {
      // no 2xx went: a BYE that waits for it must not wait for ever, the INVITE gets a 500
      leg.answerFailed();
      log.warn("our 200 could not be sent ({}): the INVITE is answered 500", e.toString());
      pending.tx().sendResponse(ctx.requests.response(Response.SERVER_INTERNAL_ERROR,
          pending.request(), accept.dialog().localTag(), null));
      forget(accept.callId(), pending);
    }
  }

  /** Our 200 to {@code pending}, taken from the leg to be answered. */
  private void answerTaken(SipLegCommand.Accept accept, SipLeg leg,
      SipLeg.PendingInvite pending) throws Exception {
    NegotiatedMedia media = accept.media();
    // an answer a reliable 18x carried is the answer: the 200 repeats it (RFC 3262 5)
    Optional<String> sdp = pending.reliable() != null && pending.reliable().sdp() != null
        ? Optional.of(pending.reliable().sdp()) : answer(accept.callId(), leg, pending, media);
    if (sdp.isEmpty()) {
      log.error("no RTP port (or SRTP key) for the answer: rejecting with 503");
      leg.answerFailed();
      pending.tx().sendResponse(ctx.requests.response(Response.SERVICE_UNAVAILABLE,
          pending.request(), accept.dialog().localTag(), null));
      forget(accept.callId(), pending);
      return;
    }
    if (ReplacingInvites.hasReplaces(pending.request())) {
      // a new party takes the call over: the call's RTP goes to it from now
      ctx.media.remoteDescribed(accept.callId(), pending.offer().rtp(), pending.offer().media(),
          pending.srtp().sdes());
    }
    SdesDecision.Outcome srtp = pending.srtp();
    Response ok = ctx.requests.response(Response.OK, pending.request(),
        accept.dialog().localTag(), userOf(pending.request()));
    ctx.requests.body(ok, sdp.get());
    if (srtp.srtp()) {
      leg.srtpProfile(srtp.savp());
    }
    SessionTimers.answer(ok, pending.request(), ctx.sip.headers);
    leg.offered(SdpDirection.SENDRECV);
    ctx.sendUntilAcknowledged(leg, pending.tx(), ok);
    log.info("answered with {} on {} ({})", media.codec(),
        ctx.media.localRtp(accept.callId()).orElse(null), srtp.describe());
  }

  /**
   * Our SDP answer to the pending INVITE's offer, for the 200 and for a 183 of early media: the
   * codec {@code media}, our RTP address, and for SRTP the peer's tag and suite with our key.
   * Empty when the call has no RTP port or, for SRTP, no key.
   */
  private Optional<String> answer(String callId, SipLeg leg, SipLeg.PendingInvite pending,
      NegotiatedMedia media) {
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    SdesDecision.Outcome srtp = pending.srtp();
    Optional<SdesKey> key = srtp.srtp() ? ctx.media.localSdesKey(callId) : Optional.empty();
    if (local.isEmpty() || leg == null || srtp.srtp() && key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Sdp.answer(local.get(), leg.nextSdpOrigin(), media,
        Sdp.answerDirection(pending.offer().direction(), false), srtp.savp(),
        srtp.crypto().map(c -> Sdp.answeredCrypto(c, key.get())).orElse(java.util.List.of())));
  }

  /**
   * 183 Session Progress with our answer for a pending INVITE, so that the caller plays the media
   * we send before the answer (the gateway's ringback for a parked call) rather than a ringing
   * tone of its own; the 200 carries the same SDP. Without 100rel the 183 is sent once,
   * unreliably: a caller that misses it hears nothing new, and the 200's SDP is the answer in any
   * case; with 100rel it goes until PRACKed ({@link ReliableProvisionals}). Empty when there is
   * no answer to give (then 180 is sent).
   */
  private Optional<Response> sessionProgress(String callId, SipLeg.PendingInvite pending,
      String localTag) throws Exception {
    if (pending.offer() == null) {
      return Optional.empty();
    }
    Optional<String> sdp = answer(callId, ctx.legs.get(callId), pending,
        pending.offer().media());
    if (sdp.isEmpty()) {
      return Optional.empty();
    }
    Response progress = ctx.requests.response(Response.SESSION_PROGRESS, pending.request(),
        localTag, userOf(pending.request()));
    ctx.requests.body(progress, sdp.get());
    return Optional.of(progress);
  }

  /**
   * The stack's cue to send our 2xx (to an INVITE or re-INVITE) again: sent as it was, until
   * 64*T1 ({@link SipTimers#ackWait}, 32 s by default) have passed without an ACK; then the call
   * is told, to end the session with a BYE (RFC 3261 13.3.1.4). The cues come at the stack's
   * pace (0.5 s after the 2xx, then every 1.5 s, whatever T1), so the call learns it at the first
   * cue from 64*T1 on.
   */
  void retransmit(ServerTransaction tx) throws Exception {
    String callId = ctx.legOfRequest(tx.getRequest());
    SipLeg leg = ctx.legs.get(callId);
    SipLeg.AnsweredInvite answered = leg == null ? null : leg.unacknowledged();
    if (answered == null || answered.tx() != tx) {
      SipContext.stopAlerts(tx); // acknowledged or ended meanwhile
      return;
    }
    SipContext.mdc(callId);
    if (System.nanoTime() - answered.sentNanos() >= ackWaitNanos) {
      ctx.stopRetransmitting(leg);
      log.warn("no ACK for our 200 within {} ms (64*T1): the call ends",
          ackWaitNanos / 1_000_000L);
      ctx.calls.tell(callId, CallCommand.SipAckTimeout.INSTANCE);
      return;
    }
    log.debug("200 sent again: no ACK yet");
    ctx.sip.provider.sendResponse(answered.ok());
  }

  /**
   * The ACK of our 2xx to an INVITE or re-INVITE (it comes outside any transaction): it stops
   * our 2xx only if it is that 2xx's (Call-ID, To-tag and CSeq).
   */
  void acknowledged(Request ack) {
    SipLeg leg = ctx.legs.get(ctx.legOfRequest(ack));
    SipLeg.AnsweredInvite answered = leg == null ? null : leg.unacknowledged();
    if (answered != null && SipContext.cseqOf(ack) == SipContext.cseqOf(answered.ok())
        && SipContext.sipCallId(ack).equals(SipContext.sipCallId(answered.ok()))
        && java.util.Objects.equals(SipContext.toTag(ack), SipContext.toTag(answered.ok()))) {
      ctx.stopRetransmitting(leg);
    }
  }

  void reject(SipLegCommand.Reject reject) throws Exception {
    SipLeg leg = ctx.legs.get(reject.callId());
    SipLeg.PendingInvite pending = pending(reject.callId(), reject.dialog(),
        Integer.toString(reject.status()));
    if (pending == null || !leg.takePendingInvite(pending)) {
      return;
    }
    Response r = ctx.requests.response(reject.status(), pending.request(),
        reject.dialog().localTag(), null);
    if (reject.cause() != null) {
      r.addHeader(ctx.requests.reason(reject.cause()));
    }
    pending.tx().sendResponse(r);
    forget(reject.callId(), pending);
    log.info("INVITE rejected with {}", reject.status());
  }

  /**
   * After a final failure response to {@code pending}: the call is forgotten, unless that INVITE
   * was one with Replaces (the call goes on in its dialog; only the new dialog is forgotten).
   */
  private void forget(String callId, SipLeg.PendingInvite pending) {
    if (ReplacingInvites.hasReplaces(pending.request())) {
      ctx.legs.endDialog(callId, SipContext.sipCallId(pending.request()));
    } else {
      ctx.forget(callId);
    }
  }

  /**
   * A CANCEL ends the pending INVITE it matches (RFC 3261 9.2: the INVITE's branch and CSeq);
   * any other gets 481 and the call never hears of it.
   */
  void cancel(Request cancel, ServerTransaction tx, String callId) throws Exception {
    SipLeg leg = ctx.legs.get(callId);
    SipLeg.PendingInvite pending = leg == null ? null : leg.pendingInvite();
    if (pending == null || !sameTransaction(pending.request(), cancel)) {
      if (pending != null) {
        ctx.mismatches.refused(Request.CANCEL, "cancel",
            Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "branch or CSeq of no pending INVITE");
      }
      tx.sendResponse(ctx.requests.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, cancel,
          null, null));
      return;
    }
    if (leg.takePendingInvite() == null) {
      return; // answered meanwhile
    }
    tx.sendResponse(ctx.requests.response(Response.OK, cancel, tag(callId), null));
    pending.tx().sendResponse(ctx.requests.response(Response.REQUEST_TERMINATED,
        pending.request(), tag(callId), null));
    ctx.forget(callId);
    log.info("caller cancelled");
    ctx.calls.tell(callId, new CallCommand.SipCancelled("CANCEL"));
  }

  private SipLeg.PendingInvite pending(String callId, String what) {
    SipLeg leg = ctx.legs.get(callId);
    SipLeg.PendingInvite pending = leg == null ? null : leg.pendingInvite();
    if (pending == null) {
      log.warn("no pending INVITE on this node to answer {} (it arrived on another node or"
          + " was cancelled)", what);
    }
    return pending;
  }

  /**
   * The pending INVITE of {@code dialog} (its Call-ID): a call's answer or rejection never
   * reaches another dialog's INVITE (an INVITE with Replaces, or the call's own).
   */
  private SipLeg.PendingInvite pending(String callId, SipDialog dialog, String what) {
    SipLeg.PendingInvite pending = pending(callId, what);
    if (pending != null && !SipContext.sipCallId(pending.request()).equals(dialog.callId())) {
      log.warn("the pending INVITE is of another dialog than the {} ({}): not answered",
          what, dialog.callId());
      return null;
    }
    return pending;
  }

  static String userOf(Request request) {
    return request.getRequestURI() instanceof SipURI uri && uri.getUser() != null
        ? uri.getUser() : "rtc2sip";
  }

  static String tag(String callId) {
    return CallIds.localTagFor(callId, 0);
  }
}
