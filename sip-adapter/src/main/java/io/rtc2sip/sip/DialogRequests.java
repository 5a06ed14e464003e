package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.port.SipLegCommand;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
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
 * after failover), INFO DTMF, REFER and its NOTIFYs, and the PRACKs of our reliable 18x (in the
 * early dialog, checked alike). A request from the peer reaches its call
 * only if it belongs to the call's dialog ({@link DialogId}: Call-ID, both tags, a CSeq above the
 * peer's last); otherwise 481 (another dialog) or 500 (out of order), counted. The dialog is the
 * call's {@link SipLeg} on this node; a node without one (after a failover, before the call's
 * first command there) asks the call, checks against the dialog the call keeps, and re-creates
 * the leg from it. A request for a call that does not exist (never started or ended) is answered
 * 481 after asking the call, so any node answers the same.
 */
final class DialogRequests {
  private static final Logger log = LoggerFactory.getLogger(DialogRequests.class);
  private static final Pattern SIGNAL = Pattern.compile("(?im)^\\s*Signal\\s*=\\s*([0-9*#A-D])");
  private static final Pattern DURATION = Pattern.compile("(?im)^\\s*Duration\\s*=\\s*(\\d+)");
  private static final Pattern SIPFRAG = Pattern.compile("^SIP/2\\.0\\s+(\\d{3})");

  private final SipContext ctx;
  private final CallQuery query;
  private final DtmfInfoSender infos;
  private final ReliableProvisionals reliable;

  DialogRequests(SipContext ctx, CallQuery query, ReliableProvisionals reliable) {
    this.reliable = reliable;
    this.infos = new DtmfInfoSender(ctx);
    this.ctx = ctx;
    this.query = query;
  }

  // ---------------------------------------------------------------- from the peer

  void request(Request request, ServerTransaction tx, String callId) throws Exception {
    SipLeg leg = ctx.legs.get(callId);
    if (leg != null && leg.knows(SipContext.sipCallId(request))) {
      DialogId.Verdict verdict = leg.admit(SipContext.sipCallId(request),
          SipContext.fromTag(request), SipContext.toTag(request), SipContext.cseqOf(request));
      if (verdict == DialogId.Verdict.ACCEPT) {
        handle(request, tx, callId);
      } else {
        refuse(request, tx, verdict, leg.dialog(SipContext.sipCallId(request)));
      }
      return;
    }
    query.ask(callId).whenComplete((call, failure) -> {
      SipContext.mdc(callId);
      try {
        if (failure != null) {
          log.warn("{}: call did not answer ({}); 500", request.getMethod(), failure.toString());
          respond(tx, request, Response.SERVER_INTERNAL_ERROR);
        } else if (call.over() || call.dialog() == null) {
          ctx.mismatches.refused(request.getMethod(), "unknown",
              Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "no dialog (call " + call.state() + ")");
          respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        } else {
          admitFromCall(request, tx, callId, call.dialog());
        }
      } catch (Exception e) {
        log.warn("{} not handled: {}", request.getMethod(), e.toString());
      } finally {
        SipContext.clearMdc();
      }
    });
  }

  /**
   * No leg on this node: the request is checked against the dialog the call keeps, and if it
   * belongs, the leg is re-created from that dialog (unclaimed until the call's own command, so
   * {@link LegChecks} drops it when the call runs or ends elsewhere).
   */
  private void admitFromCall(Request request, ServerTransaction tx, String callId,
      SipDialog dialog) throws Exception {
    DialogId known = DialogId.of(dialog);
    long cseq = SipContext.cseqOf(request);
    DialogId.Verdict verdict = known.check(SipContext.sipCallId(request),
        SipContext.fromTag(request), SipContext.toTag(request), cseq);
    if (verdict != DialogId.Verdict.ACCEPT) {
      refuse(request, tx, verdict, known.sipCallId().equals(SipContext.sipCallId(request))
          ? known : null);
      return;
    }
    ctx.legs.open(callId).opened(known.withRemoteCseq(cseq));
    handle(request, tx, callId);
  }

  private void refuse(Request request, ServerTransaction tx, DialogId.Verdict verdict,
      DialogId dialog) throws Exception {
    boolean order = verdict == DialogId.Verdict.OUT_OF_ORDER;
    int status = order ? Response.SERVER_INTERNAL_ERROR
        : Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST;
    String detail = order
        ? "CSeq " + SipContext.cseqOf(request) + " not above the peer's last "
            + dialog.remoteCseq()
        : dialog == null ? "Call-ID of no dialog of the call"
        : "From-tag " + SipContext.fromTag(request) + " / To-tag " + SipContext.toTag(request)
            + " are not the dialog's";
    ctx.mismatches.refused(request.getMethod(), order ? "cseq" : "tags", status, detail);
    Response r = ctx.requests.response(status, request, null, null);
    if (order) {
      r.addHeader(ctx.sip.headers.createHeader("Reason", "SIP;cause=500;text=\"CSeq out of order\""));
    }
    tx.sendResponse(r);
  }

  private void handle(Request request, ServerTransaction tx, String callId) throws Exception {
    long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
    switch (request.getMethod()) {
      case Request.BYE -> {
        // the call learns it even if our 200 cannot leave (a TCP peer that closed at once)
        Header reason = request.getHeader("Reason");
        ctx.calls.tell(callId, new CallCommand.SipByeReceived(SipContext.sipCallId(request), cseq,
            reason == null ? "" : reason.toString().trim()));
        SipLeg leg = ctx.legs.get(callId);
        if (leg != null) {
          leg.peerEnded(SipContext.sipCallId(request)); // our BYE waiting in it is moot
        }
        ctx.legs.endDialog(callId, SipContext.sipCallId(request));
        respond(tx, request, Response.OK);
      }
      case Request.INVITE -> reinvite(request, tx, callId, cseq);
      case Request.INFO -> info(request, tx, callId);
      case Request.REFER -> refer(request, tx, callId, cseq);
      case Request.NOTIFY -> notifyReceived(request, tx, callId);
      case Request.UPDATE -> respond(tx, request, Response.OK); // session refresh without SDP
      case Request.PRACK -> reliable.prack(request, tx, callId);
      default -> respond(tx, request, Response.METHOD_NOT_ALLOWED);
    }
  }

  private void reinvite(Request request, ServerTransaction tx, String callId, long cseq)
      throws Exception {
    SipLeg leg = ctx.legs.open(callId);
    if (leg.reinviting()) {
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
    SdesDecision.Outcome srtp =
        SdesDecision.forRequest(ctx.sip.settings.srtp(), tx).offerReceived(offer.get());
    Optional<SdesKey> key = srtp.srtp() ? ctx.media.localSdesKey(callId) : Optional.empty();
    if (srtp.isRefused() || srtp.srtp() && key.isEmpty()) {
      String why = srtp.isRefused() ? srtp.refusal() : "no SRTP key";
      log.info("re-INVITE refused: {}: 488", why);
      Response r = ctx.requests.response(Response.NOT_ACCEPTABLE_HERE, request, null, null);
      r.addHeader(ctx.sip.headers.createWarningHeader(ctx.sip.settings.host(), 399, why));
      tx.sendResponse(r);
      return;
    }
    SdpDirection ours = leg.offered();
    boolean localHold = ours == SdpDirection.SENDONLY || ours == SdpDirection.INACTIVE;
    SdpDirection answer = Sdp.answerDirection(offer.get().direction(), localHold);
    NegotiatedMedia media = offer.get().media().withSrtp(srtp.srtp());
    ctx.media.remoteDescribed(callId, offer.get().rtp(), media, srtp.sdes());
    if (srtp.srtp()) {
      leg.srtpProfile(srtp.savp());
    }
    Response ok = ctx.requests.response(Response.OK, request, null,
        InboundInvites.userOf(request));
    ctx.requests.body(ok, Sdp.answer(local.get(), leg.nextSdpOrigin(), media, answer,
        srtp.savp(), srtp.crypto().map(c -> Sdp.answeredCrypto(c, key.get()))
            .orElse(List.of())));
    ctx.sendUntilAcknowledged(leg, tx, ok);
    SdpDirection offered = offer.get().direction();
    boolean held = offered == SdpDirection.SENDONLY || offered == SdpDirection.INACTIVE;
    log.info("re-INVITE offering {}: answered {} ({})", offered, answer, srtp.describe());
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
    if (digit != null && CallIds.partyOfLeg(callId) != 0) {
      // as in the media: an added conference party's digits are its own, not the call's
      log.info("DTMF {} by INFO of an added conference party: not passed on", digit);
    } else if (digit != null) {
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
    if (endedBeforeOur2xx(bye)) {
      return;
    }
    SipLeg leg = ctx.legs.get(bye.callId());
    if (leg != null && leg.byeAfterAck(bye.dialog().callId(), () -> sendBye(bye))) {
      log.info("hung up ({}): our BYE waits for the ACK of our 200", bye.cause());
      return;
    }
    sendBye(bye);
  }

  private void sendBye(SipLegCommand.Bye bye) throws Exception {
    Request r = ctx.requests.inDialog(bye.dialog(), Request.BYE, userOf(bye.dialog().localUri()));
    r.addHeader(ctx.requests.reason(bye.cause()));
    send(r, new SipContext.Purpose(bye.callId(), "BYE", bye.dialog(), null));
    ctx.legs.endDialog(bye.callId(), bye.dialog().callId());
    log.info("BYE sent ({})", bye.cause());
  }

  /**
   * The call hangs up a dialog whose INVITE is still pending here: our 200 has not gone (it
   * waits for the PRACK of our reliable 18x), so the dialog is early on our side, where a callee
   * must not send BYE (RFC 3261 15). The INVITE gets a final 480 with the hangup's Reason
   * instead, and the 200 that waited never goes. Whether it was so.
   */
  private boolean endedBeforeOur2xx(SipLegCommand.Bye bye) throws Exception {
    SipLeg leg = ctx.legs.get(bye.callId());
    SipLeg.PendingInvite pending = leg == null ? null : leg.pendingInvite();
    if (pending == null
        || !SipContext.sipCallId(pending.request()).equals(bye.dialog().callId())
        || !leg.takePendingInvite(pending)) {
      return false;
    }
    Response r = ctx.requests.response(Response.TEMPORARILY_UNAVAILABLE, pending.request(),
        bye.dialog().localTag(), null);
    r.addHeader(ctx.requests.reason(bye.cause()));
    pending.tx().sendResponse(r);
    ctx.legs.endDialog(bye.callId(), bye.dialog().callId());
    log.info("hung up ({}) before our 200 went (it waited for a PRACK): the INVITE is answered"
        + " 480, no BYE", bye.cause());
    return true;
  }

  void reinvite(SipLegCommand.Reinvite reinvite) throws Exception {
    SipLeg leg = ctx.legs.learn(reinvite.callId(), reinvite.dialog());
    if (!leg.startReinvite(reinvite)) {
      log.info("re-INVITE offering {} waits for the one in progress", reinvite.direction());
      return;
    }
    try {
      sendReinvite(leg, reinvite);
    } catch (Exception e) {
      leg.reinviteFailed();
      throw e;
    }
  }

  private void sendReinvite(SipLeg leg, SipLegCommand.Reinvite reinvite) throws Exception {
    String callId = reinvite.callId();
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (local.isEmpty()) {
      leg.reinviteFailed();
      ctx.calls.tell(callId, new CallCommand.SipReinviteFailed(503));
      return;
    }
    SdesDecision.Offer srtp = reofferSrtp(leg, reinvite);
    Optional<SdesKey> key = srtp == SdesDecision.Offer.PLAIN ? Optional.empty()
        : ctx.media.localSdesKey(callId);
    if (srtp == SdesDecision.Offer.REFUSED || srtp != SdesDecision.Offer.PLAIN && key.isEmpty()) {
      log.warn("re-INVITE not sent: the call's media is SRTP but signaling to {} is not TLS",
          reinvite.dialog().remoteTarget());
      leg.reinviteFailed();
      ctx.calls.tell(callId, new CallCommand.SipReinviteFailed(488));
      return;
    }
    String user = userOf(reinvite.dialog().localUri());
    Request r = ctx.requests.inDialog(reinvite.dialog(), Request.INVITE, user);
    // the call's codec again; an SRTP call offers this node's key (after a failover a new one)
    ctx.requests.body(r, Sdp.answer(local.get(), leg.nextSdpOrigin(), reinvite.media(),
        reinvite.direction(), srtp == SdesDecision.Offer.SAVP,
        key.map(Sdp::offeredCrypto).orElse(List.of())));
    leg.offeredSrtp(srtp);
    SessionTimers.refresh(r, reinvite.dialog().sessionRefreshSeconds(), ctx.sip.headers);
    leg.offered(reinvite.direction());
    send(r, new SipContext.Purpose(callId, "REINVITE", reinvite.dialog(), user));
    log.info("re-INVITE offering {} from {}", reinvite.direction(), local.get());
  }

  /** How our re-offer makes SRTP ({@link SdesDecision#reoffer}). */
  private SdesDecision.Offer reofferSrtp(SipLeg leg, SipLegCommand.Reinvite reinvite)
      throws java.text.ParseException {
    return SdesDecision.forNextHop(ctx.sip.settings.srtp(),
        ctx.requests.nextHop(reinvite.dialog())).reoffer(reinvite.media().srtp(),
        leg.srtpProfile());
  }

  /** The peer's answer to our re-INVITE: its address, codec and, for SRTP, its (new) key. */
  private void reofferAnswered(String callId, SipLeg leg, Sdp.Remote answer) {
    SdesDecision.Offer ours = leg == null ? SdesDecision.Offer.PLAIN : leg.offeredSrtp();
    SdesDecision.Outcome srtp =
        SdesDecision.answerReceived(ctx.sip.settings.srtp(), answer, ours);
    if (srtp.isRefused()) {
      // no plain RTP in a call that requires SRTP: its media stays without the peer's key
      log.warn("answer to our re-INVITE refused: {}", srtp.refusal());
      return;
    }
    if (srtp.srtp() && leg != null) {
      leg.srtpProfile(srtp.savp());
    }
    ctx.media.remoteDescribed(callId, answer.rtp(), answer.media().withSrtp(srtp.srtp()),
        srtp.sdes());
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
        // our INVITE transaction is over with its final response: a re-INVITE the peer sends as
        // soon as it has our ACK is no glare (RFC 3261 14.1); our own next re-INVITE goes only
        // after the ACK (peers such as sipp abort on an INVITE before the ACK of the last)
        SipLeg leg = ctx.legs.get(callId);
        if (status < 300) {
          Request ack = ctx.requests.ackForReinvite(response, purpose.dialog(),
              purpose.contactUser());
          if (leg != null) {
            leg.answered();
            try {
              ctx.acknowledge(leg, ack);
            } catch (javax.sip.SipException | RuntimeException e) {
              leg.reinviteFailed();
              throw e;
            }
          } else {
            ctx.sip.provider.sendRequest(ack); // the call ended meanwhile: nothing to keep
          }
          OutboundInvites.sdpOf(response).ifPresent(r -> reofferAnswered(callId, leg, r));
        } else {
          log.info("re-INVITE failed: {}", status);
          ctx.calls.tell(callId, new CallCommand.SipReinviteFailed(status));
        }
        sendWaiting(leg, leg == null ? null
            : status < 300 ? leg.acknowledged() : leg.nextReinvite());
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

  /** Sends the re-INVITE that waited (now the one in progress), if any. */
  private void sendWaiting(SipLeg leg, SipLegCommand.Reinvite waiting) throws Exception {
    if (waiting == null) {
      return;
    }
    try {
      sendReinvite(leg, waiting);
    } catch (Exception e) {
      leg.reinviteFailed();
      throw e;
    }
  }

  /** Our request in a dialog got no final response (408: timed out; 503: could not be sent). */
  void failed(SipContext.Purpose purpose, int status) {
    if (purpose.kind().equals("REINVITE")) {
      SipLeg leg = ctx.legs.get(purpose.callId());
      if (leg != null) {
        leg.reinviteFailed();
      }
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
