package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.SipLegCommand;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.ServerTransaction;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests inside established dialogs, both ways: BYE, re-INVITE (hold and resume, re-anchoring
 * after failover), INFO DTMF, REFER and its NOTIFYs. A request from the peer for a call that does
 * not exist (never started or ended) is answered 481, after asking the call itself, so any node
 * answers the same.
 */
final class DialogRequests {
  private static final Logger log = LoggerFactory.getLogger(DialogRequests.class);
  private static final Pattern SIGNAL = Pattern.compile("(?im)^\\s*Signal\\s*=\\s*([0-9*#A-D])");
  private static final Pattern DURATION = Pattern.compile("(?im)^\\s*Duration\\s*=\\s*(\\d+)");
  private static final Pattern SIPFRAG = Pattern.compile("^SIP/2\\.0\\s+(\\d{3})");

  private final SipContext ctx;
  private final CallQuery query;
  private final Set<String> reinviting = ConcurrentHashMap.newKeySet();
  /** The newest re-INVITE waiting for the one in progress (RFC 3261 14.1: one at a time). */
  private final Map<String, SipLegCommand.Reinvite> queued = new ConcurrentHashMap<>();

  private final DtmfInfoSender infos;

  DialogRequests(SipContext ctx, CallQuery query) {
    this.infos = new DtmfInfoSender(ctx);
    this.ctx = ctx;
    this.query = query;
  }

  // ---------------------------------------------------------------- from the peer

  void request(Request request, ServerTransaction tx, String callId) {
    query.state(callId).whenComplete((state, failure) -> {
      SipContext.mdc(callId);
      try {
        if (failure != null) {
          log.warn("{}: call did not answer ({}); 500", request.getMethod(), failure.toString());
          respond(tx, request, Response.SERVER_INTERNAL_ERROR);
        } else if (state.equals("Idle") || state.equals("Ended")) {
          log.info("{} for a dialog that does not exist ({}): 481", request.getMethod(), state);
          respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        } else {
          handle(request, tx, callId);
        }
      } catch (Exception e) {
        log.warn("{} not handled: {}", request.getMethod(), e.toString());
      } finally {
        SipContext.clearMdc();
      }
    });
  }

  private void handle(Request request, ServerTransaction tx, String callId) throws Exception {
    long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
    switch (request.getMethod()) {
      case Request.BYE -> {
        respond(tx, request, Response.OK);
        Header reason = request.getHeader("Reason");
        ctx.calls.tell(callId, new CallCommand.SipByeReceived(SipContext.sipCallId(request), cseq,
            reason == null ? "" : reason.toString().trim()));
        ctx.forget(callId);
      }
      case Request.INVITE -> reinvite(request, tx, callId, cseq);
      case Request.INFO -> info(request, tx, callId);
      case Request.REFER -> refer(request, tx, callId, cseq);
      case Request.NOTIFY -> notifyReceived(request, tx, callId);
      case Request.UPDATE -> respond(tx, request, Response.OK); // session refresh without SDP
      default -> respond(tx, request, Response.METHOD_NOT_ALLOWED);
    }
  }

  private void reinvite(Request request, ServerTransaction tx, String callId, long cseq)
      throws Exception {
    if (reinviting.contains(callId)) {
      log.info("re-INVITE crosses ours: 491");
      respond(tx, request, Response.REQUEST_PENDING);
      return;
    }
    Optional<Sdp.Remote> offer = OutboundInvites.sdpOf(request);
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (offer.isEmpty() || local.isEmpty()) {
      respond(tx, request, Response.NOT_ACCEPTABLE_HERE);
      return;
    }
    SdpDirection ours = ctx.offeredDirections.getOrDefault(callId, SdpDirection.SENDRECV);
    boolean localHold = ours == SdpDirection.SENDONLY || ours == SdpDirection.INACTIVE;
    SdpDirection answer = Sdp.answerDirection(offer.get().direction(), localHold);
    ctx.media.remoteDescribed(callId, offer.get().rtp(), offer.get().media());
    Response ok = ctx.requests.response(Response.OK, request, null,
        InboundInvites.userOf(request));
    ctx.requests.body(ok, Sdp.answer(local.get(), ctx.nextSdpVersion(callId),
        offer.get().media(), answer));
    ctx.sendUntilAcknowledged(callId, tx, ok);
    SdpDirection offered = offer.get().direction();
    boolean held = offered == SdpDirection.SENDONLY || offered == SdpDirection.INACTIVE;
    log.info("re-INVITE offering {}: answered {}", offered, answer);
    ctx.calls.tell(callId, held ? new CallCommand.SipRemoteHold(cseq)
        : new CallCommand.SipRemoteResume(cseq));
  }

  private void info(Request request, ServerTransaction tx, String callId) throws Exception {
    ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
    String body = request.getRawContent() == null ? ""
        : new String(request.getRawContent(), StandardCharsets.UTF_8);
    String sub = type == null ? "" : type.getContentSubType().toLowerCase();
    String digit = null;
    int duration = 100;
    if (sub.equals("dtmf-relay")) {
      Matcher m = SIGNAL.matcher(body);
      if (m.find()) {
        digit = m.group(1);
      }
      Matcher d = DURATION.matcher(body);
      if (d.find()) {
        duration = Integer.parseInt(d.group(1));
      }
    } else if (sub.equals("dtmf")) {
      String b = body.trim();
      if (b.length() == 1 && "0123456789*#ABCD".contains(b.toUpperCase())) {
        digit = b.toUpperCase();
      }
    } else if (!body.isEmpty()) {
      respond(tx, request, Response.UNSUPPORTED_MEDIA_TYPE);
      return;
    }
    respond(tx, request, Response.OK);
    if (digit != null) {
      log.info("DTMF {} by INFO", digit);
      ctx.calls.tell(callId, new CallCommand.MediaDtmfReceived(digit, duration));
    }
  }

  private void refer(Request request, ServerTransaction tx, String callId, long cseq)
      throws Exception {
    Header referTo = request.getHeader("Refer-To");
    if (referTo == null) {
      respond(tx, request, Response.BAD_REQUEST);
      return;
    }
    Header referredBy = request.getHeader("Referred-By");
    respond(tx, request, Response.ACCEPTED);
    String target = SipRequests.value(referTo).replaceAll("^<|>$", "");
    log.info("REFER to {}", target);
    ctx.calls.tell(callId, new CallCommand.SipReferReceived(cseq, target,
        referredBy == null ? "" : SipRequests.value(referredBy)));
  }

  private void notifyReceived(Request request, ServerTransaction tx, String callId)
      throws Exception {
    respond(tx, request, Response.OK);
    String body = request.getRawContent() == null ? ""
        : new String(request.getRawContent(), StandardCharsets.UTF_8).trim();
    Matcher m = SIPFRAG.matcher(body);
    if (m.find()) {
      ctx.calls.tell(callId, new CallCommand.SipTransferProgress(Integer.parseInt(m.group(1))));
    }
  }

  // ---------------------------------------------------------------- ours

  void bye(SipLegCommand.Bye bye) throws Exception {
    Request r = ctx.requests.inDialog(bye.dialog(), Request.BYE, userOf(bye.dialog().localUri()));
    r.addHeader(ctx.requests.reason(bye.cause()));
    send(r, new SipContext.Purpose(bye.callId(), "BYE", bye.dialog(), null));
    ctx.forget(bye.callId());
    log.info("BYE sent ({})", bye.cause());
  }

  void reinvite(SipLegCommand.Reinvite reinvite) throws Exception {
    String callId = reinvite.callId();
    synchronized (reinviting) {
      // with next(): a response that completes the previous re-INVITE must either see this one
      // queued or find the dialog free
      if (!reinviting.add(callId)) {
        log.info("re-INVITE offering {} waits for the one in progress", reinvite.direction());
        queued.put(callId, reinvite);
        return;
      }
    }
    try {
      sendReinvite(reinvite);
    } catch (Exception e) {
      reinviting.remove(callId);
      throw e;
    }
  }

  private void sendReinvite(SipLegCommand.Reinvite reinvite) throws Exception {
    String callId = reinvite.callId();
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (local.isEmpty()) {
      ctx.calls.tell(callId, new CallCommand.SipReinviteFailed(503));
      return;
    }
    String user = userOf(reinvite.dialog().localUri());
    Request r = ctx.requests.inDialog(reinvite.dialog(), Request.INVITE, user);
    ctx.requests.body(r, Sdp.answer(local.get(), ctx.nextSdpVersion(callId), reinvite.media(),
        reinvite.direction()));
    SessionTimers.refresh(r, reinvite.dialog().sessionRefreshSeconds(), ctx.sip.headers);
    ctx.offeredDirections.put(callId, reinvite.direction());
    send(r, new SipContext.Purpose(callId, "REINVITE", reinvite.dialog(), user));
    log.info("re-INVITE offering {} from {}", reinvite.direction(), local.get());
  }

  void info(SipLegCommand.Info info) throws Exception {
    infos.send(info);
  }

  void refer(SipLegCommand.Refer refer) throws Exception {
    Request r = ctx.requests.inDialog(refer.dialog(), Request.REFER,
        userOf(refer.dialog().localUri()));
    r.addHeader(ctx.sip.headers.createHeader("Refer-To", "<" + refer.target() + ">"));
    r.addHeader(ctx.sip.headers.createHeader("Referred-By", "<" + refer.dialog().localUri() + ">"));
    send(r, new SipContext.Purpose(refer.callId(), "REFER", refer.dialog(), null));
    log.info("REFER to {}", refer.target());
  }

  void notifyProgress(SipLegCommand.NotifyTransferProgress n) throws Exception {
    Request r = ctx.requests.inDialog(n.dialog(), Request.NOTIFY, userOf(n.dialog().localUri()));
    r.addHeader(ctx.sip.headers.createEventHeader("refer"));
    r.addHeader(ctx.sip.headers.createSubscriptionStateHeader(n.status() < 200
        ? "active;expires=60" : "terminated;reason=noresource"));
    r.setContent("SIP/2.0 " + n.status() + " " + reason(n.status()) + "\r\n",
        ctx.sip.headers.createContentTypeHeader("message", "sipfrag;version=2.0"));
    send(r, new SipContext.Purpose(n.callId(), "NOTIFY", n.dialog(), null));
  }

  void response(Response response, SipContext.Purpose purpose) throws Exception {
    int status = response.getStatusCode();
    if (status < 200) {
      return;
    }
    String callId = purpose.callId();
    switch (purpose.kind()) {
      case "REINVITE" -> {
        if (status < 300 && ctx.acknowledgedAgain(callId, response)) {
          log.info("the 200 to our re-INVITE came again: ACK sent again");
          return; // no news: the re-INVITE was answered the first time
        }
        if (status < 300) {
          ctx.acknowledge(callId, ctx.requests.ackFor(response, purpose.dialog(),
              purpose.contactUser()));
          OutboundInvites.sdpOf(response).ifPresent(r ->
              ctx.media.remoteDescribed(callId, r.rtp(), r.media()));
        } else {
          log.info("re-INVITE failed: {}", status);
          ctx.calls.tell(callId, new CallCommand.SipReinviteFailed(status));
        }
        next(callId);
      }
      case "REFER" -> {
        if (status >= 300) {
          ctx.calls.tell(callId, new CallCommand.SipTransferProgress(status));
        }
      }
      case DtmfInfoSender.KIND -> {
        if (status >= 300) {
          log.warn("DTMF INFO answered {}", status);
        }
        infos.next(callId);
      }
      default -> { }
    }
  }

  /** Sends the re-INVITE that waited, if any, now that the previous one completed. */
  private void next(String callId) throws Exception {
    SipLegCommand.Reinvite waiting;
    synchronized (reinviting) {
      waiting = queued.remove(callId);
      if (waiting == null) {
        reinviting.remove(callId);
        return;
      }
    }
    try {
      sendReinvite(waiting);
    } catch (Exception e) {
      reinviting.remove(callId);
      throw e;
    }
  }

  /** Our request in a dialog got no final response (408: timed out; 503: could not be sent). */
  void failed(SipContext.Purpose purpose, int status) {
    if (purpose.kind().equals("REINVITE")) {
      queued.remove(purpose.callId());
      reinviting.remove(purpose.callId());
      ctx.calls.tell(purpose.callId(), new CallCommand.SipReinviteFailed(status));
    } else if (purpose.kind().equals("REFER")) {
      ctx.calls.tell(purpose.callId(), new CallCommand.SipTransferProgress(status));
    } else if (purpose.kind().equals(DtmfInfoSender.KIND)) {
      log.warn("DTMF INFO failed: {}", status);
      try {
        infos.next(purpose.callId());
      } catch (Exception e) {
        log.warn("next DTMF INFO not sent: {}", e.toString());
      }
    }
  }

  private void send(Request r, SipContext.Purpose purpose) throws Exception {
    ctx.send(ctx.newTransaction(r, purpose));
  }

  private void respond(ServerTransaction tx, Request request, int status) throws Exception {
    tx.sendResponse(ctx.requests.response(status, request, null, null));
  }

  static String userOf(String uri) {
    String s = uri.replaceAll("^<|>$", "");
    int colon = s.indexOf(':');
    int at = s.indexOf('@');
    return colon >= 0 && at > colon ? s.substring(colon + 1, at) : "rtc2sip";
  }

  private static String reason(int status) {
    return switch (status) {
      case 100 -> "Trying";
      case 180 -> "Ringing";
      case 200 -> "OK";
      case 408 -> "Request Timeout";
      case 486 -> "Busy Here";
      case 487 -> "Request Terminated";
      case 603 -> "Decline";
      default -> status < 300 ? "OK" : "Failed";
    };
  }
}
