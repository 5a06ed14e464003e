package io.rtc2sip.sip;

import gov.nist.javax.sip.stack.HopImpl;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rtc2sip.actors.call.CallIds;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initial INVITEs whose call runs on another node. The call entity runs where sharding puts it
 * and rings, answers or rejects through its own node's adapter, so the INVITE must be that
 * node's. The node an INVITE reaches answers 100 Trying at once (statelessly), asks the call
 * where it runs ({@link CallQuery.Answer#node()}), and either takes the INVITE itself or passes
 * it on to that node as a stateless proxy hop: its own Via on top (a branch derived from the
 * caller's, with {@link #BRANCH_PREFIX}), Max-Forwards one less. The responses come back to this
 * node (its Via), lose that Via and go on to the caller; the caller's retransmissions, its CANCEL
 * and the ACK of a failure response are passed on with the same branch, so they match the
 * target's transaction. A request that already passed a hop is never passed on again.
 *
 * <p>Bounded: at most {@code maxFlows} INVITEs are looked up or passed on at once (beyond, the
 * node takes them itself); a target that sends nothing within {@code targetTimeout} gets the
 * caller a 503; a flow is forgotten 32 s (64*T1) after its last message.
 */
final class InviteHops implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InviteHops.class);
  /** The branch of a hop's Via: the magic cookie, then this node's mark. */
  static final String BRANCH_PREFIX = HopMessages.BRANCH_PREFIX;
  private static final long T1_NANOS = 500_000_000L;
  private static final long LINGER_NANOS = 64 * T1_NANOS;

  /** What this node does with an INVITE it takes itself. */
  interface LocalInvites {
    void take(Request invite);
  }

  /** An INVITE whose node is being looked up; CANCELled meanwhile, it keeps its 487. */
  private static final class Lookup {
    final Request invite;
    final long startedNanos = System.nanoTime();
    volatile Response cancelled;
    /** Whether the caller got our 100 Trying (not when the answer came at once). */
    volatile boolean tried;
    /** Whether the lookup ended (guarded by the lookup): a CANCEL is no longer answered here. */
    boolean decided;

    Lookup(Request invite) {
      this.invite = invite;
    }
  }

  /** An INVITE passed on to the node at {@code host}:{@code port}. */
  private static final class Hop {
    final Request invite;
    final HopImpl target;
    final long startedNanos = System.nanoTime();
    volatile long lastNanos = startedNanos;
    volatile boolean heard;
    long nextResendNanos = startedNanos + T1_NANOS;
    long resendInterval = T1_NANOS;

    Hop(Request invite, HopImpl target) {
      this.invite = invite;
      this.target = target;
    }
  }

  private final SipContext ctx;
  private final CallQuery query;
  private final InviteHopSettings settings;
  private final PeerNodes peers;
  private final LocalInvites local;
  private final String self;
  private final HopMessages messages;
  private final Counter outcomes;
  /** Lines about lookups and targets that failed: the first few per interval, the rest DEBUG. */
  private final LogBudget failures = new LogBudget(10, java.time.Duration.ofSeconds(10),
      System::nanoTime);
  private final ConcurrentHashMap<String, Object> flows = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rtc2sip-invite-hops");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param peers whether a source address is a node of this cluster, and whether there are others
   * @param local takes an INVITE on this node (creates its transaction, opens the call's leg)
   */
  InviteHops(SipContext ctx, CallQuery query, InviteHopSettings settings,
      PeerNodes peers, LocalInvites local, PrometheusRegistry registry) {
    this.ctx = ctx;
    this.query = query;
    this.settings = settings;
    this.peers = peers;
    this.local = local;
    this.self = ctx.sip.settings.host() + ":" + ctx.sip.settings.port();
    this.messages = new HopMessages(ctx, self);
    this.outcomes = Counter.builder().name("rtc2sip_sip_invite_hops_total")
        .help("Initial INVITEs that reached a node other than the one running their call, by"
            + " outcome: forwarded (passed on to the call's node), target-silent (that node sent"
            + " nothing: 503 to the caller), lookup-failed (where the call runs was not learnt:"
            + " taken here), full (too many at once: taken here), cancelled (CANCEL before the"
            + " lookup ended)")
        .labelNames("outcome")
        .build();
    try {
      registry.register(outcomes);
    } catch (IllegalArgumentException already) {
      log.debug("rtc2sip_sip_invite_hops_total is another adapter's on this node");
    }
    timer.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Whether {@code invite}, from {@code source}, is a hop of another node of this cluster. */
  boolean fromPeer(Request invite, InetAddress source) {
    ViaHeader top = (ViaHeader) invite.getHeader(ViaHeader.NAME);
    return top != null && top.getBranch() != null && top.getBranch().startsWith(BRANCH_PREFIX)
        && source != null && peers.test(source);
  }

  /**
   * An initial INVITE (admitted): returns true when it is this class's (being looked up, passed
   * on, or a retransmission of either), false when this node takes it now.
   */
  boolean invite(Request invite, String callId) throws Exception {
    if (!settings.enabled() || ctx.legs.get(callId) != null) {
      return false;
    }
    Object flow = flows.get(callId);
    if (flow instanceof Hop hop) {
      hop.lastNanos = System.nanoTime();
      messages.forward(invite, hop.target); // the caller sent it again: so do we
      return true;
    }
    if (flow instanceof Lookup lookup) {
      if (!InboundInvites.sameTransaction(lookup.invite, invite)) {
        return anotherInvite(invite, callId, lookup);
      }
      Response cancelled = lookup.cancelled;
      ctx.sip.provider.sendResponse(cancelled != null ? cancelled : trying(invite));
      return true;
    }
    if (peers.alone()) {
      return false; // no other node: the call runs here, no need to ask
    }
    if (HopMessages.passedHop(invite) || HopMessages.maxForwards(invite) == 0) {
      return false; // passed on to us already: ours, never passed on again
    }
    int limit = ctx.sip.settings.maxPendingInvites();
    if (limit > 0 && ctx.legs.pendingInvites() >= limit) {
      return false; // overloaded: refused at once, before any work for the call
    }
    if (flows.size() >= settings.maxFlows()) {
      outcomes.labelValues("full").inc();
      return false;
    }
    Lookup lookup = new Lookup(invite);
    if (flows.putIfAbsent(callId, lookup) != null) {
      return invite(invite, callId); // another copy came first
    }
    java.util.concurrent.CompletableFuture<CallQuery.Answer> where =
        query.ask(callId).toCompletableFuture();
    if (!where.isDone()) {
      lookup.tried = true;
      ctx.sip.provider.sendResponse(trying(invite)); // the caller stops sending it meanwhile
    }
    where.orTimeout(settings.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((answer, error) -> looked(callId, lookup,
            error == null && answer != null ? answer.node() : null, error));
    return true;
  }

  /**
   * A new INVITE (not a copy: another branch or CSeq) of a call whose earlier INVITE is being
   * looked up. Once that lookup has ended here the new one is this node's to take; before, the
   * caller is asked to send it again later: 500 with Retry-After, as for a second INVITE before
   * the final response to the first (RFC 3261 14.2).
   */
  private boolean anotherInvite(Request invite, String callId, Lookup lookup) throws Exception {
    synchronized (lookup) {
      if (lookup.decided) {
        return false;
      }
    }
    log.info("a new INVITE of the call while its first is looked up: 500, retry after 1 s");
    Response r = ctx.requests.response(Response.SERVER_INTERNAL_ERROR, invite,
        InboundInvites.tag(callId), null);
    r.addHeader(ctx.sip.headers.createRetryAfterHeader(1));
    ctx.sip.provider.sendResponse(r);
    return true;
  }

  private void looked(String callId, Lookup lookup, String node, Throwable error) {
    SipContext.mdc(callId);
    try {
      HopImpl target = node == null || node.equals(self) ? null
          : messages.hopTo(node, lookup.invite);
      synchronized (lookup) {
        if (flows.get(callId) != lookup || lookup.cancelled != null) {
          return;
        }
        lookup.decided = true;
        if (target != null) {
          flows.put(callId, new Hop(lookup.invite, target));
        }
      }
      if (target == null) {
        if (error != null) {
          outcomes.labelValues("lookup-failed").inc();
          if (failures.take()) {
            log.info("where the call runs is not known ({}): the INVITE is taken here",
                error.toString());
          }
        }
        // forgotten first: the stack's transaction absorbs retransmissions from here on, and a
        // new INVITE of the call (after our 422, say) is looked up afresh, not taken for a copy
        flows.remove(callId, lookup);
        local.take(lookup.invite);
        return;
      }
      if (!lookup.tried) {
        ctx.sip.provider.sendResponse(trying(lookup.invite));
      }
      outcomes.labelValues("forwarded").inc();
      log.info("the call runs on the node at {}: INVITE passed on there", node);
      messages.forward(lookup.invite, target);
    } catch (Exception e) {
      log.warn("INVITE not passed on: {}", e.toString());
    } finally {
      SipContext.clearMdc();
    }
  }

  /**
   * A CANCEL: passed on when its INVITE was; answered here (200, and 487 to the INVITE) when the
   * lookup has not ended. Returns false when its INVITE is not this class's.
   */
  boolean cancel(Request cancel, String callId) throws Exception {
    Object flow = flows.get(callId);
    if (flow instanceof Hop hop && InboundInvites.sameTransaction(hop.invite, cancel)) {
      hop.lastNanos = System.nanoTime();
      // answered here first, as a stateful proxy does (RFC 3261 16.10): the caller gets the 200
      // before the 487 (the call's node's own 200 is not passed on: responses that come back
      // may be handled out of order on this node's SIP threads)
      ctx.sip.provider.sendResponse(ctx.requests.response(Response.OK, cancel,
          InboundInvites.tag(callId), null));
      messages.forward(cancel, hop.target);
      return true;
    }
    if (flow instanceof Lookup lookup && InboundInvites.sameTransaction(lookup.invite, cancel)) {
      String tag = InboundInvites.tag(callId);
      Response terminated = ctx.requests.response(Response.REQUEST_TERMINATED, lookup.invite, tag,
          null);
      synchronized (lookup) {
        if (lookup.decided) {
          // passed on or taken here just now: the CANCEL follows the INVITE
          Object now = flows.get(callId);
          return now instanceof Hop && cancel(cancel, callId);
        }
        lookup.cancelled = terminated;
      }
      outcomes.labelValues("cancelled").inc();
      ctx.sip.provider.sendResponse(ctx.requests.response(Response.OK, cancel, tag, null));
      ctx.sip.provider.sendResponse(terminated);
      log.info("caller cancelled before its INVITE was passed on");
      return true;
    }
    return false;
  }

  /**
   * An ACK for a call whose INVITE was passed on (of a failure response, or a 2xx ACK sent here
   * instead of to the Contact): passed on the same way. Returns false when it is not ours.
   */
  boolean ack(Request ack, String callId) throws Exception {
    Object flow = flows.get(callId);
    if (flow instanceof Hop hop && ctx.legs.get(callId) == null) {
      hop.lastNanos = System.nanoTime();
      messages.forward(ack, hop.target);
      return true;
    }
    return flow instanceof Lookup lookup && lookup.cancelled != null; // the ACK of our 487
  }

  /**
   * A response with this node's hop Via on top: that Via removed, it goes on to the caller.
   * Returns false when the response is not a hop's.
   */
  boolean response(Response response) throws Exception {
    ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
    if (top == null || top.getBranch() == null || !top.getBranch().startsWith(BRANCH_PREFIX)) {
      return false;
    }
    String callId = callIdOf(response);
    SipContext.mdc(callId);
    Object flow = flows.get(callId);
    if (!(flow instanceof Hop hop)) {
      log.debug("response {} to a hop this node does not know: dropped",
          response.getStatusCode());
      return true;
    }
    hop.heard = true;
    hop.lastNanos = System.nanoTime();
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    if (cseq != null && Request.CANCEL.equals(cseq.getMethod())) {
      return true; // the caller had our 200 to its CANCEL
    }
    Response out = (Response) response.clone();
    out.removeFirst(ViaHeader.NAME);
    if (out.getHeader(ViaHeader.NAME) != null) {
      ctx.sip.provider.sendResponse(out);
    }
    if (cseq != null && Request.INVITE.equals(cseq.getMethod())
        && response.getStatusCode() >= 200) {
      log.info("{} from the call's node passed on to the caller", response.getStatusCode());
    }
    return true;
  }

  private Response trying(Request invite) throws Exception {
    return ctx.requests.response(Response.TRYING, invite, null, null);
  }

  /** The call of a response to the caller's request: its Call-ID and the caller's From-tag. */
  private static String callIdOf(Response response) {
    String sipCallId = SipContext.sipCallId(response);
    String fromTag = SipContext.fromTag(response);
    return CallIds.fromSipCallId(sipCallId)
        .orElseGet(() -> CallIds.forInbound(sipCallId, fromTag == null ? "" : fromTag));
  }

  /** INVITEs sent again to a silent target, a 503 when it stays silent, old flows forgotten. */
  private void tick() {
    long now = System.nanoTime();
    try {
      flows.forEach((callId, flow) -> {
        if (flow instanceof Hop hop) {
          tick(callId, hop, now);
        } else if (flow instanceof Lookup lookup
            && now - lookup.startedNanos > settings.lookupTimeout().toNanos() + LINGER_NANOS) {
          flows.remove(callId, lookup);
        }
      });
    } catch (RuntimeException e) {
      log.warn("INVITE hops not checked: {}", e.toString());
    }
  }

  private void tick(String callId, Hop hop, long now) {
    if (now - hop.lastNanos > LINGER_NANOS) {
      flows.remove(callId, hop);
      return;
    }
    if (hop.heard) {
      return;
    }
    SipContext.mdc(callId);
    try {
      if (now - hop.startedNanos >= settings.targetTimeout().toNanos()) {
        hop.heard = true; // no more of this
        outcomes.labelValues("target-silent").inc();
        if (failures.take()) {
          log.warn("the node at {}:{} sent nothing for the INVITE passed on within {} ms: 503 to"
              + " the caller", hop.target.getHost(), hop.target.getPort(),
              settings.targetTimeout().toMillis());
        }
        ctx.sip.provider.sendResponse(ctx.requests.response(Response.SERVICE_UNAVAILABLE,
            hop.invite, InboundInvites.tag(callId), null));
      } else if (now - hop.nextResendNanos >= 0) {
        hop.resendInterval = Math.min(hop.resendInterval * 2, 8 * T1_NANOS);
        hop.nextResendNanos = now + hop.resendInterval;
        messages.forward(hop.invite, hop.target);
      }
    } catch (Exception e) {
      log.info("INVITE passed on: {}", e.toString());
    } finally {
      SipContext.clearMdc();
    }
  }

  /** INVITEs being looked up or passed on (for tests). */
  int flows() {
    return flows.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
