package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SipDialog;
import java.util.ListIterator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.ServerTransaction;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INVITEs with Replaces (RFC 3891): a new dialog that is to take the place of a call's dialog,
 * as the target of an attended transfer receives it. The INVITE is routed to the call the
 * Replaces names ({@link SipContext#callIdOfRequest}), has passed the access checks of every
 * initial INVITE, and is checked here: a Replaces that does not parse (or more than one) gets
 * 400; a call that does not exist, has ended, or whose dialog is not the one named (Call-ID, our
 * tag as to-tag, the peer's as from-tag) gets 481 at once, after asking the call; otherwise the
 * INVITE waits in the call's {@link SipLeg} as its pending INVITE and the call decides
 * ({@link CallCommand.SipReplacingInviteReceived}: {@code Accept} with our 200, or
 * {@code Reject}). Our tag in the new dialog names the call ({@link CallIds#replacingTagFor}),
 * so the peer's ACK, BYE and re-INVITEs in it, which carry its own Call-ID, reach the call.
 */
final class ReplacingInvites {
  private static final Logger log = LoggerFactory.getLogger(ReplacingInvites.class);
  static final String HEADER = "Replaces";

  private final SipContext ctx;
  private final InboundInvites inbound;
  private final CallQuery query;

  ReplacingInvites(SipContext ctx, InboundInvites inbound, CallQuery query) {
    this.ctx = ctx;
    this.inbound = inbound;
    this.query = query;
  }

  /** Whether the request carries a Replaces header (well-formed or not). */
  static boolean hasReplaces(Request request) {
    return request.getHeader(HEADER) != null;
  }

  /** The request's one Replaces, or empty when it has none, several, or one that is not one. */
  static Optional<Replaces> replacesOf(Request request) {
    ListIterator<?> headers = request.getHeaders(HEADER);
    if (headers == null || !headers.hasNext()) {
      return Optional.empty();
    }
    Header first = (Header) headers.next();
    if (headers.hasNext()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Replaces.parse(SipRequests.value(first)));
    } catch (IllegalArgumentException bad) {
      return Optional.empty();
    }
  }

  /** An initial INVITE with a Replaces header, for call {@code callId} (the one it names). */
  void invite(Request request, ServerTransaction tx, String callId) throws Exception {
    Optional<Replaces> named = replacesOf(request);
    String tag = CallIds.replacingTagFor(callId, Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36));
    if (named.isEmpty()) {
      ctx.mismatches.refused(Request.INVITE, "replaces", Response.BAD_REQUEST,
          "a Replaces header that is not one (RFC 3891 6.1), or several");
      Response r = ctx.requests.response(Response.BAD_REQUEST, request, tag, null);
      r.setReasonPhrase("Bad Replaces Header");
      tx.sendResponse(r);
      return;
    }
    Replaces replaces = named.get();
    if (SipContext.fromTag(request) == null) {
      // the new dialog needs the caller's tag (RFC 3261 8.1.1.3)
      ctx.mismatches.refused(Request.INVITE, "replaces", Response.BAD_REQUEST,
          "an INVITE with Replaces without a From-tag");
      tx.sendResponse(ctx.requests.response(Response.BAD_REQUEST, request, tag, null));
      return;
    }
    if (inbound.refusedForOverload(request, tx, callId)) {
      return;
    }
    if (!ctx.journal.available()) {
      // the take-over is an event of the call: it could not be written
      ctx.journal.refused("sip");
      inbound.unavailable(request, tx, callId, inbound.journalRetryAfter(),
          "journal database unavailable");
      return;
    }
    tx.sendResponse(ctx.requests.response(Response.TRYING, request, null, null));
    if (inbound.refusedSessionInterval(request, tx, tag, "with Replaces")
        || inbound.refusedExtension(request, tx, tag, "with Replaces")) {
      return;
    }
    Optional<InboundInvites.Offered> offered = inbound.offer(request, tx, tag,
        "with Replaces " + replaces.headerValue());
    if (offered.isEmpty()) {
      return;
    }
    query.ask(callId).whenComplete((call, failure) -> {
      SipContext.mdc(callId);
      try {
        if (failure != null) {
          log.warn("INVITE with Replaces: the call did not answer ({}): 500", failure.toString());
          tx.sendResponse(ctx.requests.response(Response.SERVER_INTERNAL_ERROR, request, tag,
              null));
        } else if (call.over() || !replaces.names(call.dialog())) {
          ctx.mismatches.refused(Request.INVITE, "replaces",
              Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Replaces names no dialog of a call"
                  + " going on (call " + call.state() + ")");
          tx.sendResponse(ctx.requests.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
              request, tag, null));
        } else {
          pending(request, tx, callId, tag, replaces, offered.get());
        }
      } catch (Exception e) {
        log.warn("INVITE with Replaces not handled: {}", e.toString());
      } finally {
        SipContext.clearMdc();
      }
    });
  }

  /** The call's dialog is the one named: the INVITE waits in its leg for the call's decision. */
  private void pending(Request request, ServerTransaction tx, String callId, String tag,
      Replaces replaces, InboundInvites.Offered offered) throws Exception {
    SipLeg leg = ctx.legs.open(callId);
    if (leg.pendingInvite() != null) {
      // one INVITE transaction of ours at a time in the call's leg (the call is not answered)
      tx.sendResponse(ctx.requests.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
          request, tag, null));
      return;
    }
    FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
    SipDialog dialog = new SipDialog(
        SipContext.sipCallId(request),
        tag,
        from.getTag(),
        to.getAddress().getURI().toString(),
        from.getAddress().getURI().toString(),
        contact != null ? contact.getAddress().getURI().toString()
            : from.getAddress().getURI().toString(),
        SipRequests.routeSetOfRequest(request),
        0,
        SipContext.cseqOf(request),
        SessionTimers.refreshOfInbound(request));
    Party party = new Party(Party.Kind.SIP, from.getAddress().getURI().toString(),
        from.getAddress().getDisplayName());
    leg.opened(DialogId.of(dialog));
    leg.pending(new SipLeg.PendingInvite(tx, request, offered.offer(), offered.srtp()), false);
    log.info("INVITE from {} with Replaces {}: to take the call over ({})", party.address(),
        replaces.headerValue(), offered.offer().media().codec());
    ctx.calls.tell(callId, new CallCommand.SipReplacingInviteReceived(dialog, party,
        offered.offer().media(), replaces));
  }
}
