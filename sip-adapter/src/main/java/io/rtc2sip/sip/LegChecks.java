package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallIds;
import java.time.Duration;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks with their calls the legs the calls have gone quiet about, so that no leg outlives its
 * call and no INVITE waits for ever:
 *
 * <ul>
 *   <li>an INVITE the call has not taken up (no Ring, Accept or Reject) within {@link
 *       DialogSettings#unclaimedInvite()}: the call is over or never started (its first event was
 *       not persisted) or it is another INVITE's call. The INVITE is answered (481 for an ended
 *       call, 500 when the call never started or does not answer, 482 for a call of another
 *       INVITE), its pending slot is freed and so are the RTP ports it reserved (for a call that
 *       still runs, once it is over: they may be its own); a call still routing is given the time
 *       again. While the journal database is unavailable the call is not asked (it could not
 *       write an answer): the INVITE gets 503 with Retry-After and its slot and ports are freed;
 *   <li>a leg without traffic or commands for {@link DialogSettings#idleCheck()}: dropped if its
 *       call is over (an end this node never saw, such as a call that moved to another node),
 *       with the RTP ports an INVITE nobody took up reserved.
 * </ul>
 */
final class LegChecks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LegChecks.class);

  private final SipContext ctx;
  private final CallQuery query;
  private final InboundInvites inbound;
  private final long unclaimedNanos;
  private final long idleNanos;
  private final Cancellable timer;

  LegChecks(SipContext ctx, InboundInvites inbound, CallQuery query, DialogSettings settings,
      ActorSystem<?> system) {
    this.ctx = ctx;
    this.inbound = inbound;
    this.query = query;
    this.unclaimedNanos = settings.unclaimedInvite().toNanos();
    this.idleNanos = settings.idleCheck().toNanos();
    Duration every = settings.unclaimedInvite().compareTo(settings.idleCheck()) < 0
        ? settings.unclaimedInvite() : settings.idleCheck();
    every = every.dividedBy(2);
    this.timer = system.scheduler().scheduleAtFixedRate(every, every, this::sweep,
        system.executionContext());
  }

  void sweep() {
    long now = System.nanoTime();
    for (SipLeg leg : ctx.legs.all()) {
      if (leg.unclaimedFor(unclaimedNanos, now)) {
        check(leg, true);
      } else if (leg.idleNanos(now) >= idleNanos) {
        check(leg, false);
      }
    }
  }

  private void check(SipLeg leg, boolean invite) {
    if (!leg.startCheck()) {
      return;
    }
    if (invite && !ctx.journal.available()) {
      try {
        SipContext.mdc(leg.callId);
        unclaimedWhileJournalDown(leg);
      } catch (Exception e) {
        log.warn("leg check failed: {}", e.toString());
      } finally {
        leg.checked();
        SipContext.clearMdc();
      }
      return;
    }
    query.ask(CallIds.callOfLeg(leg.callId)).whenComplete((call, failure) -> {
      SipContext.mdc(leg.callId);
      try {
        if (invite) {
          unclaimedInvite(leg, call, failure);
        } else if (failure == null && call.over()) {
          boolean release = leg.portsReservedUnclaimed();
          if (ctx.legs.drop(leg)) {
            log.info("the call is {}: its SIP state on this node is dropped", call.state());
            if (release) {
              ctx.media.release(leg.callId);
            }
          }
        }
      } catch (Exception e) {
        log.warn("leg check failed: {}", e.toString());
      } finally {
        leg.checked();
        SipContext.clearMdc();
      }
    });
  }

  private void unclaimedInvite(SipLeg leg, CallQuery.Answer call, Throwable failure)
      throws Exception {
    if (!leg.unclaimedFor(unclaimedNanos, System.nanoTime())) {
      return; // the call took it up meanwhile
    }
    int status;
    String state = failure != null ? "not answering" : call.state();
    if (failure != null || state.equals("Idle")) {
      status = Response.SERVER_INTERNAL_ERROR;
    } else if (state.equals("Ended")) {
      status = Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST;
    } else if (state.equals("Routing")) {
      leg.waitAgain(); // still deciding: asked again after the same time
      return;
    } else {
      status = Response.LOOP_DETECTED;
    }
    boolean over = status != Response.LOOP_DETECTED;
    boolean release = leg.portsReservedUnclaimed();
    SipLeg.PendingInvite pending = leg.takePendingInvite();
    if (pending == null) {
      return;
    }
    if (over) {
      if (!ctx.legs.drop(leg)) {
        return;
      }
      if (release) {
        // reserved by this INVITE, and the call is over: nothing else will free them
        ctx.media.release(leg.callId);
      }
    } else {
      // the call runs (here, recovered, or on another node): the ports may be its own here, so
      // they are freed only once the call is over (the idle check) or kept if it claims the leg
      leg.refused();
    }
    ctx.mismatches.refused(Request.INVITE, "unclaimed", status,
        "the call (" + state + ") did not take the INVITE up");
    pending.tx().sendResponse(ctx.requests.response(status, pending.request(),
        InboundInvites.tag(leg.callId), null));
  }

  /**
   * An INVITE not taken up while the journal database does not answer: its call cannot write
   * what it would answer with, and asking it would wait for the journal. 503 with Retry-After,
   * as a new INVITE gets meanwhile, and its slot and reserved ports are freed.
   */
  private void unclaimedWhileJournalDown(SipLeg leg) throws Exception {
    boolean release = leg.portsReservedUnclaimed();
    SipLeg.PendingInvite pending = leg.takePendingInvite();
    if (pending == null || !ctx.legs.drop(leg)) {
      return;
    }
    if (release) {
      ctx.media.release(leg.callId);
    }
    ctx.journal.refused("sip");
    log.info("INVITE not taken up while the journal database is unavailable: answered 503");
    inbound.unavailable(pending.request(), pending.tx(), leg.callId,
        inbound.journalRetryAfter(), "journal database unavailable");
  }

  @Override
  public void close() {
    timer.cancel();
  }
}
