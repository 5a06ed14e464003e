package io.rtc2sip.sip;

import java.util.List;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.AllowHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's listener: one handler per method, each call-level fact told to the call and the
 * stack thread returned at once. Nothing thrown here reaches the stack; a request that cannot be
 * handled is answered (400, 405, 481, 500, 501) with a log line naming the call.
 */
final class SipHandler implements SipListener {
  private static final Logger log = LoggerFactory.getLogger(SipHandler.class);
  static final List<String> ALLOWED = List.of(Request.INVITE, Request.ACK, Request.CANCEL,
      Request.BYE, Request.OPTIONS, Request.INFO, Request.REFER, Request.NOTIFY, Request.UPDATE,
      Request.PRACK);
  private static final List<String> KNOWN = List.of(Request.REGISTER, Request.SUBSCRIBE,
      Request.MESSAGE, Request.PUBLISH);

  private SipContext ctx;
  private InboundInvites inbound;
  private ReplacingInvites replacing;
  private OutboundInvites outbound;
  private DialogRequests dialogs;
  private SipRegistrations registrations;
  private volatile InviteAccess access;
  private volatile SipGuard sources;
  private volatile InviteHops hops;
  private volatile DestinationProbes probes;
  /** Detail lines of bad requests: the first few per interval, the rest only in the summary. */
  private final LogBudget details = new LogBudget(20, java.time.Duration.ofSeconds(10),
      System::nanoTime);

  void bind(SipContext ctx, InboundInvites inbound, OutboundInvites outbound,
      DialogRequests dialogs, SipRegistrations registrations, ReplacingInvites replacing) {
    this.replacing = replacing;
    this.registrations = registrations;
    this.ctx = ctx;
    this.inbound = inbound;
    this.outbound = outbound;
    this.dialogs = dialogs;
    ctx.failures = this::failed;
  }

  /**
   * Initial INVITEs from untrusted sources are challenged or refused by {@code access}; requests
   * that fail are logged in summary per source by {@code guard}.
   */
  void guard(InviteAccess inviteAccess, SipGuard guard) {
    this.access = inviteAccess;
    this.sources = guard;
  }

  /** Responses to OPTIONS probes of destination servers go to {@code destinationProbes}. */
  void probes(DestinationProbes destinationProbes) {
    this.probes = destinationProbes;
  }

  /** Initial INVITEs whose call runs on another node are passed on there by {@code inviteHops}. */
  void hops(InviteHops inviteHops) {
    this.hops = inviteHops;
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    String method = request.getMethod();
    if (method.equals(Request.ACK)) {
      if (!passedOn(request)) {
        inbound.acknowledged(request); // the ACK of our 2xx: stop sending the 2xx again
      }
      return;
    }
    if (method.equals(Request.INVITE) && !admitted(request)) {
      return; // answered 407 or 403 without a transaction
    }
    if (event.getServerTransaction() == null && passedOn(request)) {
      return; // its call runs on another node
    }
    serve(request, event.getServerTransaction());
  }

  /**
   * An initial INVITE this node takes after learning that its call runs here. It gets 100
   * Trying again, from its transaction: without it the stack would send one of its own.
   */
  void take(Request invite) {
    serve(invite, null);
  }

  /**
   * Whether {@code request} (an initial INVITE, its CANCEL, an ACK) belongs to an INVITE being
   * passed on to another node; then it has been handled.
   */
  private boolean passedOn(Request request) {
    InviteHops h = hops;
    String method = request.getMethod();
    if (h == null || !(method.equals(Request.INVITE) || method.equals(Request.CANCEL)
        || method.equals(Request.ACK))) {
      return false;
    }
    try {
      String callId = SipContext.callIdOfRequest(request);
      SipContext.mdc(callId);
      return switch (method) {
        // while the journal is away this node refuses a new call itself, at once (503, no 100)
        case Request.INVITE -> SipContext.toTag(request) == null && ctx.journal.available()
            && h.invite(request, callId);
        case Request.CANCEL -> h.cancel(request, callId);
        default -> h.ack(request, callId);
      };
    } catch (Exception e) {
      log.info("{} not passed on: {}", method, e.toString());
      return false;
    } finally {
      SipContext.clearMdc();
    }
  }

  private void serve(Request request, ServerTransaction existing) {
    String method = request.getMethod();
    String callId = "";
    ServerTransaction tx = null;
    try {
      tx = existing != null ? existing : ctx.sip.provider.getNewServerTransaction(request);
      if (method.equals(Request.OPTIONS)) {
        options(request, tx);
        return;
      }
      if (!ALLOWED.contains(method)) {
        respondUnsupported(request, tx, method);
        return;
      }
      callId = ctx.legOfRequest(request);
      SipContext.mdc(callId);
      boolean inDialog = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null;
      if (method.equals(Request.INVITE) && !inDialog && ReplacingInvites.hasReplaces(request)) {
        replacing.invite(request, tx, callId);
      } else if (method.equals(Request.INVITE) && !inDialog) {
        inbound.invite(request, tx, callId);
      } else if (method.equals(Request.CANCEL)) {
        inbound.cancel(request, tx, callId);
      } else if (inDialog) {
        dialogs.request(request, tx, callId);
      } else {
        tx.sendResponse(ctx.requests.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
            request, null, null));
      }
    } catch (TransactionAlreadyExistsException retransmission) {
      // the stack answers retransmissions of requests it already has a transaction for
    } catch (IllegalArgumentException bad) {
      badInput(request, "SIP requests answered 400 (malformed)", method + " rejected: "
          + bad.getMessage());
      respondQuietly(tx, request, Response.BAD_REQUEST);
    } catch (Exception e) {
      badInput(request, "SIP requests answered 500 (not handled)", method + " failed: " + e);
      respondQuietly(tx, request, Response.SERVER_INTERNAL_ERROR);
    } finally {
      SipContext.clearMdc();
    }
  }

  /**
   * Bad input is counted per source and logged in summary; the first few lines per interval keep
   * their detail and call id (a flood must not fill the disk, a rare failure must still show).
   */
  private void badInput(Request request, String what, String detail) {
    if (details.take()) {
      log.info(detail);
    } else {
      log.debug(detail);
    }
    SipGuard g = sources;
    if (g != null) {
      g.badRequest(request, what);
    }
  }

  private boolean admitted(Request invite) {
    InviteAccess a = access;
    InviteHops h = hops;
    try {
      if (h != null && h.fromPeer(invite,
          ((gov.nist.javax.sip.message.SIPRequest) invite).getPeerPacketSourceAddress())) {
        return true; // checked by the node it reached first
      }
      return a == null || a.admits(invite);
    } catch (Exception e) {
      log.info("INVITE not answered: {}", e.toString());
      return false;
    } finally {
      SipContext.clearMdc();
    }
  }

  private void options(Request request, ServerTransaction tx) throws Exception {
    Response ok = ctx.requests.response(Response.OK, request, null, null);
    for (String m : ALLOWED) {
      ok.addHeader(ctx.sip.headers.createAllowHeader(m));
    }
    ok.addHeader(ctx.sip.headers.createAcceptHeader("application", "sdp"));
    ok.addHeader(ctx.sip.headers.createSupportedHeader("timer"));
    ok.addHeader(ctx.sip.headers.createSupportedHeader(ReliableProvisionals.TAG));
    ok.addHeader(ctx.sip.headers.createSupportedHeader("replaces"));
    tx.sendResponse(ok);
  }

  private void respondUnsupported(Request request, ServerTransaction tx, String method)
      throws Exception {
    int status = KNOWN.contains(method) ? Response.METHOD_NOT_ALLOWED : Response.NOT_IMPLEMENTED;
    Response r = ctx.requests.response(status, request, null, null);
    for (String m : ALLOWED) {
      AllowHeader allow = ctx.sip.headers.createAllowHeader(m);
      r.addHeader(allow);
    }
    tx.sendResponse(r);
  }

  private void respondQuietly(ServerTransaction tx, Request request, int status) {
    if (tx == null) {
      return;
    }
    try {
      tx.sendResponse(ctx.requests.response(status, request, null, null));
    } catch (Exception e) {
      log.debug("could not answer {}: {}", status, e.toString());
    }
  }

  @Override
  public void processResponse(ResponseEvent event) {
    ClientTransaction tx = event.getClientTransaction();
    Response response = event.getResponse();
    if (tx == null || !(tx.getApplicationData() instanceof SipContext.Purpose purpose)) {
      if (!passedBack(response)) {
        ackAgain(response); // a 2xx sent again after its transaction ended, or a stray response
      }
      return;
    }
    if (purpose.kind().equals(DestinationProbes.PROBE)) {
      probes.response(response, purpose);
      return;
    }
    SipContext.mdc(purpose.callId());
    try {
      if (purpose.kind().equals(OutboundInvites.INVITE) || purpose.kind().equals("AUTH")
          || purpose.kind().equals(OutboundInvites.MIN_SE_RETRY)) {
        outbound.response(response, tx, purpose);
      } else if (purpose.kind().contains("REGISTER")) {
        registrations.response(response, tx, purpose);
      } else {
        dialogs.response(response, purpose);
      }
    } catch (Exception e) {
      log.warn("response {} not handled: {}", response.getStatusCode(), e.toString());
    } finally {
      SipContext.clearMdc();
    }
  }

  /** Whether {@code response} came from a node we passed an INVITE on to; then it went on. */
  private boolean passedBack(Response response) {
    InviteHops h = hops;
    try {
      return h != null && h.response(response);
    } catch (Exception e) {
      log.info("response {} not passed back: {}", response.getStatusCode(), e.toString());
      return true;
    } finally {
      SipContext.clearMdc();
    }
  }

  /**
   * A 2xx to our INVITE that comes again after its transaction ended means our ACK was lost:
   * the same ACK goes again. Other stray responses are dropped.
   */
  private void ackAgain(Response response) {
    javax.sip.header.CSeqHeader cseq =
        (javax.sip.header.CSeqHeader) response.getHeader(javax.sip.header.CSeqHeader.NAME);
    if (response.getStatusCode() / 100 != 2 || cseq == null
        || !Request.INVITE.equals(cseq.getMethod())) {
      return;
    }
    String callId = ctx.legOfResponse(response);
    SipContext.mdc(callId);
    try {
      if (ctx.acknowledgedAgain(callId, response)) {
        log.info("the 200 to our INVITE came again: ACK sent again");
      }
    } catch (Exception e) {
      log.warn("could not send the ACK again: {}", e.toString());
    } finally {
      SipContext.clearMdc();
    }
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (event.isServerTransaction()) {
      if (event.getTimeout() == javax.sip.Timeout.RETRANSMIT) {
        try {
          inbound.retransmit(event.getServerTransaction());
        } catch (Exception e) {
          log.warn("could not send our 2xx again: {}", e.toString());
        } finally {
          SipContext.clearMdc();
        }
      }
      return;
    }
    ClientTransaction tx = event.getClientTransaction();
    if (!(tx.getApplicationData() instanceof SipContext.Purpose purpose)) {
      return;
    }
    failed(purpose, 408, "no response");
  }

  /** A client transaction of ours ended without a final response: timed out, or not sent. */
  private void failed(SipContext.Purpose purpose, int status, String reason) {
    if (purpose.kind().equals(DestinationProbes.PROBE)) {
      probes.failed(purpose, status == 408 ? "timeout" : reason);
      return;
    }
    SipContext.mdc(purpose.callId());
    try {
      log.info("{} failed: {} ({})", purpose.kind(), status, reason);
      if (purpose.kind().equals(OutboundInvites.INVITE) || purpose.kind().equals("AUTH")
          || purpose.kind().equals(OutboundInvites.MIN_SE_RETRY)) {
        outbound.failed(purpose, status, reason);
      } else if (purpose.kind().contains("REGISTER")) {
        registrations.failed(purpose, reason);
      } else {
        dialogs.failed(purpose, status);
      }
    } finally {
      SipContext.clearMdc();
    }
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    log.info("SIP transport error towards {}:{} ({})", event.getHost(), event.getPort(),
        event.getTransport());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {}

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {}
}
