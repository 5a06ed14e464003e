package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallCommand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.ServerTransaction;
import javax.sip.header.Header;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our provisional responses to an INVITE we received, sent reliably (RFC 3262) when the caller
 * requires it (or supports it, as {@link ReliableSettings} says): each 18x carries
 * {@code Require: 100rel} and an {@code RSeq} (a random start in 1..2^31-1, one more per reliable
 * 18x), and goes again at T1, 2*T1, 4*T1... until the caller's PRACK names it ({@code RAck:
 * <RSeq> <CSeq> INVITE}); after 64*T1 without one the INVITE is answered 500. While an 18x
 * waits for its PRACK, the next 18x and our 2xx wait too (RFC 3262 3: no second reliable 18x
 * before the first is acknowledged, no 2xx before an 18x with SDP is); a rejection goes at once.
 *
 * <p>The stack raises its retransmission alerts only for a 2xx, and its own reliable 18x belong
 * to its dialogs (off here): so the timer is this class's. The bookkeeping of one INVITE is an
 * {@link Exchange} in the call's {@link SipLeg.PendingInvite}: node-local like the INVITE
 * transaction, and gone with it.
 */
final class ReliableProvisionals implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReliableProvisionals.class);
  static final String TAG = "100rel";
  private static final Pattern RACK =
      Pattern.compile("^\\s*(\\d{1,10})\\s+(\\d{1,10})\\s+(\\S+)\\s*$");

  /** What the caller's INVITE gets. */
  enum Decision {
    /** Our 18x go reliably. */
    RELIABLE,
    /** Our 18x go once, as without 100rel. */
    UNRELIABLE,
    /** 420 Bad Extension: the caller requires 100rel and it is off here. */
    REFUSE
  }

  /** Something to do once no reliable 18x is outstanding: the next 18x, or our 2xx. */
  interface Step {
    void run() throws Exception;
  }

  /** The 100rel state of one pending INVITE. */
  static final class Exchange {
    private long nextRseq;
    private Response outstanding;
    private long rseq;
    private long firstSentNanos;
    private long intervalMillis;
    private int retransmissions;
    private ScheduledFuture<?> timer;
    private final Deque<Step> waiting = new ArrayDeque<>();
    private boolean answerWaits;
    private boolean over;
    private String sdp;

    Exchange(long firstRseq) {
      this.nextRseq = firstRseq;
    }

    /** The SDP answer a reliable 18x carried: the 2xx repeats it (RFC 3264: no new answer). */
    synchronized String sdp() {
      return sdp;
    }

    /** The INVITE is answered finally (or dropped): nothing more is sent or waits. */
    synchronized void end() {
      over = true;
      waiting.clear();
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      outstanding = null;
    }
  }

  private final SipContext ctx;
  private final ReliableSettings settings;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sip-reliable-18x");
    t.setDaemon(true);
    return t;
  });

  ReliableProvisionals(SipContext ctx, ReliableSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
  }

  /** Whether our 18x to {@code invite} go reliably, or the INVITE gets 420. */
  Decision decide(Request invite) {
    return decide(settings.use(), invite);
  }

  /** The same, for the setting {@code use}. */
  static Decision decide(ReliableSettings.Use use, Message invite) {
    boolean required = hasTag(invite, "Require");
    boolean supported = hasTag(invite, "Supported") || hasTag(invite, "k");
    return switch (use) {
      case OFF -> required ? Decision.REFUSE : Decision.UNRELIABLE;
      case REQUIRED -> required ? Decision.RELIABLE : Decision.UNRELIABLE;
      case SUPPORTED -> required || supported ? Decision.RELIABLE : Decision.UNRELIABLE;
    };
  }

  /** A new exchange, with its first RSeq chosen at random in 1..2^31-1 (RFC 3262 3). */
  static Exchange exchange() {
    return new Exchange(1 + ThreadLocalRandom.current().nextLong(Integer.MAX_VALUE));
  }

  /**
   * Sends {@code progress} (an 18x to the pending INVITE) reliably, now or after the PRACK of
   * the 18x outstanding; {@code sdp} is the answer it carries, or null.
   */
  void send(String callId, SipLeg leg, SipLeg.PendingInvite pending, Response progress,
      String sdp) throws Exception {
    Exchange x = pending.reliable();
    synchronized (x) {
      if (x.over) {
        return;
      }
      if (x.outstanding != null) {
        log.debug("{} waits for the PRACK of RSeq {}", progress.getStatusCode(), x.rseq);
        x.waiting.add(() -> send(callId, leg, pending, progress, sdp));
        return;
      }
      long rseq = x.nextRseq++;
      progress.setHeader(ctx.sip.headers.createRequireHeader(TAG));
      progress.setHeader(ctx.sip.headers.createHeader("RSeq", Long.toString(rseq)));
      x.outstanding = progress;
      x.rseq = rseq;
      x.firstSentNanos = System.nanoTime();
      x.intervalMillis = settings.t1().toMillis();
      x.retransmissions = 0;
      if (sdp != null) {
        x.sdp = sdp;
      }
      x.timer = timer.schedule(() -> retransmit(callId, leg, pending, progress),
          x.intervalMillis, TimeUnit.MILLISECONDS);
    }
    pending.tx().sendResponse(progress);
  }

  /**
   * Runs {@code step} now, or once the outstanding reliable 18x of {@code pending} is PRACKed.
   *
   * @param answer whether the step sends our 2xx (the call counts as answered meanwhile)
   */
  void afterPrack(SipLeg.PendingInvite pending, Step step, boolean answer) throws Exception {
    Exchange x = pending.reliable();
    if (x != null) {
      synchronized (x) {
        if (x.over) {
          return;
        }
        if (x.outstanding != null) {
          log.info("{} waits for the PRACK of our reliable {} (RSeq {})",
              answer ? "our 200" : "the next 18x", x.outstanding.getStatusCode(), x.rseq);
          x.answerWaits |= answer;
          x.waiting.add(step);
          return;
        }
      }
    }
    step.run();
  }

  private void retransmit(String callId, SipLeg leg, SipLeg.PendingInvite pending,
      Response progress) {
    SipContext.mdc(callId);
    try {
      Exchange x = pending.reliable();
      boolean answerWaited = false;
      String localTag = null;
      boolean expired = false;
      synchronized (x) {
        if (x.over || x.outstanding != progress) {
          return;
        }
        long elapsedMillis = (System.nanoTime() - x.firstSentNanos) / 1_000_000L;
        long limit = 64 * settings.t1().toMillis();
        if (elapsedMillis < limit) {
          x.retransmissions++;
          x.intervalMillis *= 2;
          long next = Math.min(x.intervalMillis, limit - elapsedMillis);
          x.timer = timer.schedule(() -> retransmit(callId, leg, pending, progress), next,
              TimeUnit.MILLISECONDS);
          log.debug("{} (RSeq {}) sent again: no PRACK yet", progress.getStatusCode(), x.rseq);
        } else {
          answerWaited = x.answerWaits;
          log.warn("no PRACK for our reliable {} (RSeq {}) within {} ms, {} retransmissions: the"
              + " INVITE is answered 500", progress.getStatusCode(), x.rseq, limit,
              x.retransmissions);
          localTag = SipContext.toTag(progress);
          x.end();
          expired = true;
        }
      }
      if (expired) {
        timedOut(callId, leg, pending, answerWaited, localTag);
      } else {
        pending.tx().sendResponse(progress);
      }
    } catch (Exception e) {
      log.warn("reliable 18x not sent again: {}", e.toString());
    } finally {
      SipContext.clearMdc();
    }
  }

  /** 64*T1 without PRACK: 500 to the INVITE (RFC 3262 3), and the call learns it is over. */
  private void timedOut(String callId, SipLeg leg, SipLeg.PendingInvite pending,
      boolean answered, String localTag) throws Exception {
    if (!leg.takePendingInvite(pending)) {
      return; // answered or cancelled meanwhile
    }
    Response r = ctx.requests.response(Response.SERVER_INTERNAL_ERROR, pending.request(),
        localTag, null);
    r.addHeader(ctx.sip.headers.createHeader("Reason",
        "SIP;cause=500;text=\"no PRACK for a reliable provisional response\""));
    pending.tx().sendResponse(r);
    ctx.forget(callId);
    // a call already answered (our 2xx waited for the PRACK) ends as a 2xx without ACK does
    ctx.calls.tell(callId, answered ? CallCommand.SipAckTimeout.INSTANCE
        : new CallCommand.SipCancelled("no PRACK"));
  }

  /**
   * A PRACK in the call's dialog (checked as every request in a dialog): 200 when its RAck names
   * our outstanding reliable 18x (its RSeq, the INVITE's CSeq and method), and what waited for it
   * goes; otherwise 481 (RFC 3262 3).
   */
  void prack(Request prack, ServerTransaction tx, String callId) throws Exception {
    SipLeg leg = ctx.legs.get(callId);
    SipLeg.PendingInvite pending = leg == null ? null : leg.pendingInvite();
    Exchange x = pending == null ? null : pending.reliable();
    Header rackHeader = prack.getHeader("RAck");
    Matcher rack = rackHeader == null ? null : RACK.matcher(SipRequests.value(rackHeader));
    List<Step> next = new ArrayList<>();
    boolean matched = false;
    if (x != null && rack != null && rack.matches()) {
      synchronized (x) {
        matched = x.outstanding != null && !x.over
            && Long.parseLong(rack.group(1)) == x.rseq
            && Long.parseLong(rack.group(2)) == SipContext.cseqOf(pending.request())
            && rack.group(3).equalsIgnoreCase(Request.INVITE);
        if (matched) {
          log.info("PRACK for our {} (RSeq {}) after {} ms, {} retransmissions",
              x.outstanding.getStatusCode(), x.rseq,
              (System.nanoTime() - x.firstSentNanos) / 1_000_000L, x.retransmissions);
          // the PRACK's 200 goes before anything the 18x held back: an answer that comes
          // meanwhile must find the 18x still outstanding and wait (our 2xx after the PRACK's)
          tx.sendResponse(ctx.requests.response(Response.OK, prack, null, null));
          x.outstanding = null;
          if (x.timer != null) {
            x.timer.cancel(false);
            x.timer = null;
          }
          for (Iterator<Step> it = x.waiting.iterator(); it.hasNext(); ) {
            next.add(it.next());
            it.remove();
          }
        }
      }
    }
    if (!matched) {
      ctx.mismatches.refused(Request.PRACK, "rack", Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
          "RAck " + (rackHeader == null ? "missing" : SipRequests.value(rackHeader))
              + " names no reliable 18x awaiting its PRACK");
      tx.sendResponse(ctx.requests.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, prack,
          null, null));
      return;
    }
    for (Step step : next) {
      afterPrack(pending, step, false);
    }
  }

  /** Whether {@code m} names option tag 100rel in a header {@code header}. */
  static boolean hasTag(Message m, String header) {
    for (Iterator<?> it = m.getHeaders(header); it.hasNext(); ) {
      for (String tag : SipRequests.value((Header) it.next()).split(",")) {
        if (tag.trim().equalsIgnoreCase(TAG)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
