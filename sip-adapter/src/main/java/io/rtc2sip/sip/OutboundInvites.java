package io.rtc2sip.sip;

import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.sip.dispatch.Destinations;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import javax.sip.ClientTransaction;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls from our users to SIP: the INVITE with our offer, its provisional and final responses
 * (ACK for 2xx, digest authentication on 401/407), and CANCEL. Which server the INVITE goes to,
 * and the next one after a failure, is {@link OutboundDispatch}'s.
 */
final class OutboundInvites implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboundInvites.class);
  static final String INVITE = "INVITE";
  /** Our INVITE sent again after 422 Session Interval Too Small (RFC 4028), once. */
  static final String MIN_SE_RETRY = "INVITE-MIN-SE";

  private final SipContext ctx;
  private final AuthenticationHelper auth;
  private final TrunkChallenges trunk;
  private final OutboundDispatch dispatch;

  OutboundInvites(SipContext ctx, TrunkChallenges trunk, Destinations destinations) {
    this.ctx = ctx;
    this.trunk = trunk;
    this.dispatch = new OutboundDispatch(ctx, destinations, this::send);
    SipSettings s = ctx.sip.settings;
    this.auth = s.authUser().isEmpty() ? null
        : ((SipStackExt) ctx.sip.stack).getAuthenticationHelper(
            (tx, realm) -> new DigestCredentials(s.authUser(), s.authPassword(), realm),
            ctx.sip.headers);
  }

  void invite(SipLegCommand.Invite invite) throws Exception {
    String callId = invite.callId();
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (local.isEmpty()) {
      log.error("no RTP port free: the call fails with 503");
      ctx.legs.endDialog(callId, invite.dialog().callId());
      ctx.calls.tell(callId, new CallCommand.SipFailed(503, "no RTP port free on the gateway"));
      return;
    }
    int port = portOf(invite.dialog().remoteUri());
    if (port != -1 && (port < 1 || port > 65535)) {
      log.warn("INVITE to {} not sent: port {} is not one of 1-65535; the call fails (400)",
          invite.dialog().remoteUri(), port);
      ctx.legs.endDialog(callId, invite.dialog().callId());
      ctx.calls.tell(callId, new CallCommand.SipFailed(400, "target port " + port
          + " out of 1-65535"));
      return;
    }
    SipLeg leg = ctx.legs.learn(callId, invite.dialog());
    String user = invite.from().address();
    OutboundDispatch.Hop hop = dispatch.first(leg, invite.dialog(), user);
    if (hop instanceof OutboundDispatch.Hop.NoLiveServer none) {
      log.warn("no live server in destination set {}: the call fails with 503",
          none.set().name());
      ctx.legs.endDialog(callId, invite.dialog().callId());
      ctx.calls.tell(callId, new CallCommand.SipFailed(503, "server-failure: no live server in"
          + " set " + none.set().name()));
      return;
    }
    String server = hop instanceof OutboundDispatch.Hop.Through t ? t.server().uri() : null;
    javax.sip.address.URI nextHop = ctx.sip.addresses.createURI(
        server != null ? server : invite.dialog().remoteUri());
    if (SipTransport.of(nextHop).equals("tls") && !ctx.sip.settings.tls().enabled()) {
      log.warn("INVITE to {} not sent: it goes over TLS, and SIP over TLS is off on this node"
          + " (rtc2sip.sip.tls.enabled); the call fails (503)", invite.dialog().remoteUri());
      ctx.legs.endDialog(callId, invite.dialog().callId());
      ctx.calls.tell(callId, new CallCommand.SipFailed(503, "SIP over TLS is off on the gateway"));
      return;
    }
    SdesDecision.Offer srtp = SdesDecision.forNextHop(ctx.sip.settings.srtp(), nextHop).offer();
    Optional<SdesKey> key = srtp == SdesDecision.Offer.PLAIN ? Optional.empty()
        : ctx.media.localSdesKey(callId);
    if (srtp == SdesDecision.Offer.REFUSED || srtp != SdesDecision.Offer.PLAIN && key.isEmpty()) {
      String why = srtp == SdesDecision.Offer.REFUSED
          ? "SRTP required but signaling to " + nextHop + " is not TLS" : "no SRTP key";
      log.warn("INVITE to {} not sent: {}; the call fails (488)", invite.dialog().remoteUri(),
          why);
      ctx.legs.endDialog(callId, invite.dialog().callId());
      ctx.calls.tell(callId, new CallCommand.SipFailed(488, why));
      return;
    }
    Request request = ctx.requests.initialInvite(invite.dialog(), user,
        invite.from().displayName(), server);
    ctx.requests.body(request, Sdp.offer(local.get(), leg.nextSdpOrigin(),
        SdpDirection.SENDRECV, srtp == SdesDecision.Offer.SAVP,
        key.map(Sdp::offeredCrypto).orElse(List.of())));
    leg.offeredSrtp(srtp);
    SessionTimers.offer(request, ctx.sip.settings.sessionExpires(), ctx.sip.headers);
    request.addHeader(ctx.sip.headers.createSupportedHeader(ReliableProvisionals.TAG));
    if (invite.replaces() != null) {
      // a transfer target named with Replaces by the transferor (RFC 3891, RFC 5589 7)
      request.addHeader(ctx.sip.headers.createHeader(ReplacingInvites.HEADER,
          invite.replaces().headerValue()));
    }
    leg.offered(SdpDirection.SENDRECV);
    send(request, new SipContext.Purpose(callId, INVITE, invite.dialog(), user));
    log.info("INVITE to {}{} ({}){}", invite.dialog().remoteUri(), hop instanceof
        OutboundDispatch.Hop.Through t ? " via " + server + " of set " + t.set().name() : "",
        srtp == SdesDecision.Offer.PLAIN ? "plain RTP" : "SRTP offered, " + srtp,
        invite.replaces() == null ? "" : ", replacing " + invite.replaces().headerValue());
  }

  private void send(Request request, SipContext.Purpose purpose) throws Exception {
    ClientTransaction tx = ctx.newTransaction(request, purpose);
    ctx.legs.open(purpose.callId()).outboundInvite(tx);
    dispatch.sent(purpose, tx);
    ctx.send(tx);
  }

  void response(Response response, ClientTransaction tx, SipContext.Purpose purpose)
      throws Exception {
    String callId = purpose.callId();
    int status = response.getStatusCode();
    if (!dispatch.current(purpose)) {
      log.debug("{} to an INVITE given up for another server: ignored", status);
      return;
    }
    if (status == 100) {
      return;
    }
    if (status < 200) {
      SipLeg leg = ctx.legs.get(callId);
      if (leg != null && SipContext.toTag(response) != null) {
        leg.remoteTag(purpose.dialog().callId(), SipContext.toTag(response), false);
      }
      if (ReliableProvisionals.hasTag(response, "Require") && !pracked(leg, response, purpose)) {
        return; // a reliable 18x again: acknowledged already, no news for the call
      }
      // early media only as our offer allows: SRTP, or plain where that is acceptable
      Optional<Sdp.Remote> sdp = sdpOf(response).flatMap(r -> {
        SdesDecision.Outcome srtp = answer(leg, r);
        if (srtp.isRefused()) {
          return Optional.empty();
        }
        ctx.media.remoteDescribed(callId, r.rtp(), r.media().withSrtp(srtp.srtp()), srtp.sdes());
        return Optional.of(r.srtp(srtp.srtp()));
      });
      ctx.calls.tell(callId, new CallCommand.SipProvisional(status, SipContext.toTag(response),
          sdp.map(Sdp.Remote::media).orElse(null)));
      return;
    }
    if (status < 300) {
      answered(response, purpose);
      return;
    }
    if ((status == 401 || status == 407) && auth != null && !purpose.kind().equals("AUTH")) {
      String refusal = trunk.refusal(tx.getRequest(), response);
      if (refusal != null) {
        ended(purpose);
        log.warn("{} challenge not answered with the trunk's credentials: {}; the call fails",
            status, refusal);
        ctx.calls.tell(callId, new CallCommand.SipFailed(status,
            "challenge not from the trunk: credentials not sent"));
        return;
      }
      ClientTransaction retry = auth.handleChallenge(response, tx, ctx.sip.provider, 5);
      SipContext.Purpose again = new SipContext.Purpose(callId, "AUTH", purpose.dialog(),
          purpose.contactUser());
      retry.setApplicationData(again);
      ctx.legs.open(callId).outboundInvite(retry);
      dispatch.sent(again, retry);
      ctx.send(retry);
      log.info("answered the {} challenge", status);
      return;
    }
    if (status == 422 && !purpose.kind().equals(MIN_SE_RETRY)) {
      Optional<Request> again = SessionTimers.retryAfter422(tx.getRequest(), response,
          ctx.sip.headers);
      if (again.isPresent()) {
        SipContext.Purpose retry = new SipContext.Purpose(callId, MIN_SE_RETRY,
            purpose.dialog(), purpose.contactUser());
        send(again.get(), retry);
        log.info("422: INVITE sent again with the peer's Min-SE");
        return;
      }
    }
    if (dispatch.failover(purpose, status, response.getReasonPhrase())) {
      return;
    }
    ended(purpose);
    log.info("INVITE failed: {} {}", status, response.getReasonPhrase());
    ctx.calls.tell(callId, new CallCommand.SipFailed(status, response.getReasonPhrase()));
  }

  /**
   * Our PRACK for a reliable 18x ({@code Require: 100rel} with {@code RSeq}, RFC 3262 4) in its
   * early dialog: the 18x's To-tag, the next CSeq, {@code RAck: <RSeq> <CSeq> INVITE}, the route
   * set of its Record-Route, to its Contact. False when the 18x was one we PRACKed already (the
   * same RSeq again) or out of order: it is dropped.
   */
  private boolean pracked(SipLeg leg, Response progress, SipContext.Purpose purpose)
      throws Exception {
    javax.sip.header.Header rseqHeader = progress.getHeader("RSeq");
    String toTag = SipContext.toTag(progress);
    if (leg == null || rseqHeader == null || toTag == null) {
      log.info("{} requires 100rel without RSeq or To-tag: taken as unreliable",
          progress.getStatusCode());
      return true;
    }
    long rseq;
    try {
      rseq = Long.parseLong(SipRequests.value(rseqHeader).trim());
    } catch (NumberFormatException bad) {
      log.info("{} with an RSeq that is no number: taken as unreliable", progress.getStatusCode());
      return true;
    }
    if (!leg.reliableProvisional(toTag, rseq)) {
      log.debug("reliable {} with RSeq {} again: ignored", progress.getStatusCode(), rseq);
      return false;
    }
    long inviteCseq = SipContext.cseqOf(progress);
    ContactHeader contact = (ContactHeader) progress.getHeader(ContactHeader.NAME);
    SipDialog d = purpose.dialog();
    SipDialog early = new SipDialog(d.callId(), d.localTag(), toTag, d.localUri(), d.remoteUri(),
        contact != null ? contact.getAddress().getURI().toString() : d.remoteUri(),
        SipRequests.routeSetOfResponse(progress), leg.nextPrackCseq(inviteCseq), 0);
    Request prack = ctx.requests.inDialog(early, Request.PRACK, purpose.contactUser());
    prack.addHeader(ctx.sip.headers.createHeader("RAck",
        rseq + " " + inviteCseq + " " + Request.INVITE));
    ctx.send(ctx.newTransaction(prack, new SipContext.Purpose(purpose.callId(), Request.PRACK,
        early, purpose.contactUser())));
    log.info("PRACK for the reliable {} (RSeq {})", progress.getStatusCode(), rseq);
    return true;
  }

  private void answered(Response ok, SipContext.Purpose purpose) throws Exception {
    String callId = purpose.callId();
    if (ctx.acknowledgedAgain(callId, ok)) {
      log.info("the 200 came again: our ACK was lost, sent again");
      return;
    }
    SipLeg leg = ctx.legs.open(callId);
    leg.takeOutboundInvite();
    leg.remoteTag(purpose.dialog().callId(), SipContext.toTag(ok), true);
    ctx.acknowledge(leg, ctx.requests.ackFor(ok, purpose.dialog(), purpose.contactUser()));
    Optional<Sdp.Remote> sdp = sdpOf(ok);
    ContactHeader contact = (ContactHeader) ok.getHeader(ContactHeader.NAME);
    String target = contact != null ? contact.getAddress().getURI().toString()
        : purpose.dialog().remoteTarget();
    SdesDecision.Outcome srtp = sdp.map(r -> answer(leg, r)).orElse(null);
    if (sdp.isEmpty() || srtp.isRefused()) {
      String why = sdp.isEmpty() ? "no usable SDP answer" : srtp.refusal();
      log.warn("200 OK: {}: hanging up (488)", why);
      SipDialog d = new SipDialog(purpose.dialog().callId(), purpose.dialog().localTag(),
          SipContext.toTag(ok), purpose.dialog().localUri(), purpose.dialog().remoteUri(), target,
          SipRequests.routeSetOfResponse(ok),
          Math.max(purpose.dialog().localCseq(), leg.prackCseq()) + 1, 0);
      Request bye = ctx.requests.inDialog(d, Request.BYE, purpose.contactUser());
      bye.addHeader(ctx.requests.reason(EndCause.INCOMPATIBLE_MEDIA));
      ctx.sip.provider.getNewClientTransaction(bye).sendRequest();
      ended(purpose);
      ctx.calls.tell(callId, new CallCommand.SipFailed(488, why));
      return;
    }
    sdp = Optional.of(sdp.get().srtp(srtp.srtp()));
    if (srtp.srtp()) {
      leg.srtpProfile(srtp.savp());
    }
    ctx.media.remoteDescribed(callId, sdp.get().rtp(), sdp.get().media(), srtp.sdes());
    log.info("answered: {} from {} ({})", sdp.get().media().codec(), sdp.get().rtp(),
        srtp.describe());
    int refresh = SessionTimers.refreshOfAnswer(ok);
    if (refresh > 0) {
      log.info("we refresh the session every {} s (Session-Expires {} s, refresher=uac)",
          refresh / 2, refresh);
    }
    // our PRACKs used CSeqs above the INVITE's: the dialog's next request goes above them
    long inviteCseq = Math.max(leg.prackCseq(), SipContext.cseqOf(ok));
    ctx.calls.tell(callId, new CallCommand.SipAnswered(SipContext.toTag(ok), target,
        SipRequests.routeSetOfResponse(ok), sdp.get().media(), refresh, inviteCseq));
  }

  /** What the peer's SDP answer means for SRTP, read against our offer in {@code leg}. */
  private SdesDecision.Outcome answer(SipLeg leg, Sdp.Remote answer) {
    SdesDecision.Offer ours = leg == null ? SdesDecision.Offer.PLAIN : leg.offeredSrtp();
    return SdesDecision.answerReceived(ctx.sip.settings.srtp(), answer, ours);
  }

  void cancel(SipLegCommand.Cancel cancel) throws Exception {
    SipLeg leg = ctx.legs.get(cancel.callId());
    ClientTransaction tx = leg == null ? null : leg.takeOutboundInvite();
    if (tx == null) {
      // the INVITE transaction lived on another node (or already ended): nothing to cancel here
      log.warn("no INVITE transaction on this node to cancel; reporting the call cancelled");
      ctx.legs.endDialog(cancel.callId(), cancel.dialog().callId());
      ctx.calls.tell(cancel.callId(), new CallCommand.SipFailed(487, "no INVITE transaction"));
      return;
    }
    Request request = tx.createCancel();
    request.addHeader(ctx.requests.reason(cancel.cause()));
    ctx.sip.provider.getNewClientTransaction(request).sendRequest();
    log.info("CANCEL sent ({})", cancel.cause());
  }

  /** Our INVITE got no final response (408: timed out; 503: could not be sent). */
  void failed(SipContext.Purpose purpose, int status, String reason) {
    try {
      if (dispatch.failover(purpose, status, "(" + reason + ")")) {
        return;
      }
    } catch (Exception e) {
      log.warn("the INVITE to the next server could not be sent: {}", e.toString());
    }
    ended(purpose);
    if (status != 408) {
      log.warn("{}: the call fails with {}", reason, status);
    }
    ctx.calls.tell(purpose.callId(), new CallCommand.SipFailed(status, reason));
  }

  /** Our INVITE's dialog will not be: the leg forgets it (and goes if it was its last). */
  private void ended(SipContext.Purpose purpose) {
    SipLeg leg = ctx.legs.get(purpose.callId());
    if (leg != null) {
      leg.takeOutboundInvite();
    }
    ctx.legs.endDialog(purpose.callId(), purpose.dialog().callId());
  }

  @Override
  public void close() {
    dispatch.close();
  }

  /** The port of a SIP URI, -1 when it names none or does not parse. */
  private int portOf(String uri) {
    try {
      return ctx.sip.addresses.createURI(uri) instanceof javax.sip.address.SipURI sip
          ? sip.getPort() : -1;
    } catch (java.text.ParseException e) {
      return -1; // building the request reports it
    }
  }

  static Optional<Sdp.Remote> sdpOf(javax.sip.message.Message m) {
    byte[] body = m.getRawContent();
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      return Sdp.read(m);
    } catch (Exception e) {
      log.info("unreadable SDP: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
