package io.rtc2sip.sip;

import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * What this node keeps of one call's SIP dialogs while the call runs here: who each dialog is
 * ({@link DialogId}: Call-ID, tags, the peer's CSeq; a call has two dialogs while a transfer
 * target is invited), the INVITE transactions in progress both ways, our 2xx until its ACK, our
 * last ACK, our SDP version and offered direction, the re-INVITE waiting for the one in
 * progress and the DTMF INFOs still to send. {@link SipLegs} holds one per call; dropping it
 * frees all of it.
 *
 * <p>None of it is the call's state: after a failover the node that recovers the call re-creates
 * the leg from the {@link SipDialog} the call sends with its first command ({@link #learn}).
 *
 * <p>Stack threads, the port actor and the timer touch a leg: every method is synchronized.
 */
final class SipLeg {

  /**
   * An INVITE we received and have not answered finally, with its offer (its media marked SRTP
   * as decided), what our answer does about SRTP, and the bookkeeping of its reliable 18x (null
   * when they go once, without 100rel).
   */
  record PendingInvite(ServerTransaction tx, Request request, Sdp.Remote offer,
      SdesDecision.Outcome srtp, ReliableProvisionals.Exchange reliable) {

    /** A pending INVITE whose 18x go once, without 100rel. */
    PendingInvite(ServerTransaction tx, Request request, Sdp.Remote offer,
        SdesDecision.Outcome srtp) {
      this(tx, request, offer, srtp, null);
    }
  }

  /** Our 2xx to an INVITE or re-INVITE, sent again until the ACK (RFC 3261 13.3.1.4). */
  record AnsweredInvite(ServerTransaction tx, Response ok, long sentNanos) {}

  final String callId;
  private final AtomicInteger pendingInvites;
  private final LongSupplier seconds;
  private final Map<String, DialogId> dialogs = new LinkedHashMap<>(4);
  private PendingInvite pendingInvite;
  private long pendingSinceNanos;
  private boolean portsReserved;
  private ClientTransaction outboundInvite;
  private OutboundDispatch.Attempts attempts;
  private AnsweredInvite unacknowledged;
  /** The Call-ID of the dialog whose INVITE our 2xx is being made for (taken, not yet sent). */
  private String answering;
  /** Our BYEs waiting for the ACK of our 2xx, by the Call-ID of their dialog. */
  private final Map<String, ReliableProvisionals.Step> byesAfterAck = new LinkedHashMap<>();
  /** The RSeq of the peer's last reliable 18x to our INVITE, by early dialog (its To-tag). */
  private final Map<String, Long> peerRseqs = new java.util.HashMap<>(2);
  /** The CSeq of our last PRACK (0: none). */
  private long prackCseq;
  private Request ack;
  private long sdpVersion;
  private SdpDirection offered = SdpDirection.SENDRECV;
  private SdesDecision.Offer offeredSrtp = SdesDecision.Offer.PLAIN;
  /** The profile of the call's SRTP media once negotiated on this node: RTP/SAVP or RTP/AVP. */
  private Boolean savp;
  private boolean reinviting;
  private SipLegCommand.Reinvite queuedReinvite;
  /** Our re-INVITE got its 2xx and its ACK is on the way: our next one waits for the ACK. */
  private boolean acking;
  private final Deque<Request> infos = new ArrayDeque<>();
  private boolean infoInFlight;
  private boolean claimed;
  private boolean checking;
  private long activeNanos = System.nanoTime();

  /**
   * @param pendingInvites the node's count of pending inbound INVITEs (overload protection),
   *     which this leg's INVITE joins and leaves
   */
  SipLeg(String callId, AtomicInteger pendingInvites) {
    this(callId, pendingInvites, System::currentTimeMillis);
  }

  /** @param seconds the clock our SDP versions start from (milliseconds on a node) */
  SipLeg(String callId, AtomicInteger pendingInvites, LongSupplier seconds) {
    this.callId = callId;
    this.pendingInvites = pendingInvites;
    this.seconds = seconds;
  }

  // ---------------------------------------------------------------- identity

  /** The call sent a command about {@code dialog}: the leg is the call's, and knows it. */
  synchronized void learn(SipDialog dialog) {
    claimed = true;
    activeNanos = System.nanoTime();
    if (dialog == null) {
      return;
    }
    DialogId known = dialogs.get(dialog.callId());
    dialogs.put(dialog.callId(), known == null ? DialogId.of(dialog) : known.merge(dialog));
  }

  /** A dialog the peer started with an INVITE we accepted (not yet the call's). */
  synchronized void opened(DialogId dialog) {
    dialogs.put(dialog.sipCallId(), dialog);
  }

  /**
   * Checks a request from the peer against the dialog of its Call-ID; when it is accepted, its
   * CSeq becomes the peer's last one at once (so a second request with it is out of order).
   */
  synchronized DialogId.Verdict admit(String sipCallId, String fromTag, String toTag,
      long cseq) {
    DialogId d = dialogs.get(sipCallId);
    if (d == null) {
      return DialogId.Verdict.OTHER_DIALOG;
    }
    DialogId.Verdict verdict = d.check(sipCallId, fromTag, toTag, cseq);
    if (verdict == DialogId.Verdict.ACCEPT) {
      dialogs.put(sipCallId, d.withRemoteCseq(cseq));
      activeNanos = System.nanoTime();
    }
    return verdict;
  }

  /** A response of the peer told its tag in the dialog {@code sipCallId}. */
  synchronized void remoteTag(String sipCallId, String tag, boolean finalAnswer) {
    DialogId d = dialogs.get(sipCallId);
    if (d != null && (finalAnswer || d.remoteTag() == null)) {
      dialogs.put(sipCallId, d.withRemoteTag(tag));
    }
  }

  /** The dialog {@code sipCallId} ended; true when it was the leg's last one. */
  synchronized boolean endDialog(String sipCallId) {
    dialogs.remove(sipCallId);
    return dialogs.isEmpty();
  }

  /**
   * The leg's INVITE was refused as another INVITE's call: it keeps no dialog (requests for the
   * call are checked with the call), only the RTP ports that INVITE reserved, until the call is
   * over ({@link LegChecks}).
   */
  synchronized void refused() {
    dialogs.clear();
  }

  /** Whether requests for the call can be checked here (else: with the call). */
  synchronized boolean knows(String sipCallId) {
    return claimed || dialogs.containsKey(sipCallId);
  }

  synchronized DialogId dialog(String sipCallId) {
    return dialogs.get(sipCallId);
  }

  synchronized boolean claimed() {
    return claimed;
  }

  /** Marks the leg as being checked with its call; false if a check is already running. */
  synchronized boolean startCheck() {
    if (checking) {
      return false;
    }
    checking = true;
    return true;
  }

  synchronized void checked() {
    checking = false;
    activeNanos = System.nanoTime();
  }

  synchronized long idleNanos(long now) {
    return now - activeNanos;
  }

  // ---------------------------------------------------------------- inbound INVITE

  synchronized void pending(PendingInvite invite, boolean reservedPorts) {
    boolean was = pendingInvite != null;
    pendingInvite = invite;
    pendingSinceNanos = System.nanoTime();
    portsReserved = reservedPorts;
    if (!was) {
      pendingInvites.incrementAndGet();
    }
  }

  synchronized PendingInvite pendingInvite() {
    return pendingInvite;
  }

  /**
   * The pending INVITE, now answered finally (or dropped): it no longer counts, and its reliable
   * 18x are no longer sent again.
   */
  PendingInvite takePendingInvite() {
    PendingInvite p;
    synchronized (this) {
      p = pendingInvite;
      pendingInvite = null;
      if (p != null) {
        pendingInvites.decrementAndGet();
      }
    }
    if (p != null && p.reliable() != null) {
      p.reliable().end(); // outside the leg's lock: the exchange's timer takes its own first
    }
    return p;
  }

  /** Takes the pending INVITE only if it is still {@code which}; whether it was. */
  boolean takePendingInvite(PendingInvite which) {
    return take(which, false);
  }

  private boolean take(PendingInvite which, boolean toAnswer) {
    synchronized (this) {
      if (which == null || pendingInvite != which) {
        return false;
      }
      pendingInvite = null;
      pendingInvites.decrementAndGet();
      if (toAnswer) {
        answering = SipContext.sipCallId(which.request());
      }
    }
    if (which.reliable() != null) {
      which.reliable().end();
    }
    return true;
  }

  /** Whether an INVITE waits that the call has not taken up for {@code nanos}. */
  synchronized boolean unclaimedFor(long nanos, long now) {
    return pendingInvite != null && !claimed && now - pendingSinceNanos >= nanos;
  }

  /** The call is still deciding about the pending INVITE: it gets the time again. */
  synchronized void waitAgain() {
    pendingSinceNanos = System.nanoTime();
  }

  /** Whether this leg reserved the call's RTP ports for an INVITE the call never took up. */
  synchronized boolean portsReservedUnclaimed() {
    return portsReserved && !claimed;
  }

  // ---------------------------------------------------------------- outbound INVITE

  synchronized void outboundInvite(ClientTransaction tx) {
    outboundInvite = tx;
  }

  synchronized ClientTransaction takeOutboundInvite() {
    ClientTransaction tx = outboundInvite;
    outboundInvite = null;
    return tx;
  }

  /** Whether our INVITE is still under way (not answered, failed or being cancelled). */
  synchronized boolean outboundInvitePending() {
    return outboundInvite != null;
  }

  /** The servers of a destination set our INVITE has tried, while it goes to one. */
  synchronized void attempts(OutboundDispatch.Attempts a) {
    attempts = a;
  }

  synchronized OutboundDispatch.Attempts attempts() {
    return attempts;
  }

  /**
   * The peer sent a reliable 18x with {@code rseq} in the early dialog {@code toTag}: true when
   * it is new (the dialog's first, or one above the last, RFC 3262 4), false for a
   * retransmission or one out of order, which gets no PRACK and is not reported again.
   */
  synchronized boolean reliableProvisional(String toTag, long rseq) {
    Long last = peerRseqs.get(toTag);
    if (last != null && rseq != last + 1) {
      return false;
    }
    peerRseqs.put(toTag, rseq);
    return true;
  }

  /** The CSeq of our next PRACK: above the INVITE's {@code inviteCseq} and our last PRACK. */
  synchronized long nextPrackCseq(long inviteCseq) {
    prackCseq = Math.max(prackCseq, inviteCseq) + 1;
    return prackCseq;
  }

  /** The CSeq of our last PRACK, 0 if none: the dialog's next request goes above it. */
  synchronized long prackCseq() {
    return prackCseq;
  }

  // ---------------------------------------------------------------- 2xx and ACK

  synchronized void unacknowledged(AnsweredInvite answered) {
    unacknowledged = answered;
    answering = null;
  }

  /**
   * Takes the pending INVITE {@code which} to send our 2xx to it (false when it was answered or
   * cancelled meanwhile): from now until the 2xx is sent ({@link #unacknowledged(AnsweredInvite)})
   * or fails ({@link #answerFailed}), a BYE of its dialog waits as for the ACK.
   */
  boolean takePendingInviteToAnswer(PendingInvite which) {
    return take(which, true);
  }

  /** Our 2xx could not be made: no 2xx goes, and a BYE that waited for it is not needed. */
  synchronized void answerFailed() {
    if (answering != null) {
      byesAfterAck.remove(answering);
    }
    answering = null;
  }

  synchronized AnsweredInvite unacknowledged() {
    return unacknowledged;
  }

  synchronized AnsweredInvite takeUnacknowledged() {
    AnsweredInvite a = unacknowledged;
    unacknowledged = null;
    return a;
  }

  /**
   * Keeps our BYE of dialog {@code sipCallId} until the ACK of our 2xx in it (or until that 2xx
   * gives up waiting): a callee must not send BYE before (RFC 3261 15). False when no 2xx of
   * that dialog awaits its ACK: the BYE goes now.
   */
  synchronized boolean byeAfterAck(String sipCallId, ReliableProvisionals.Step bye) {
    boolean waits = sipCallId.equals(answering) || unacknowledged != null
        && sipCallId.equals(SipContext.sipCallId(unacknowledged.ok()));
    if (waits) {
      byesAfterAck.put(sipCallId, bye);
    }
    return waits;
  }

  /** Our BYE of dialog {@code sipCallId} that waited for the ACK of our 2xx, or null. */
  synchronized ReliableProvisionals.Step takeByeAfterAck(String sipCallId) {
    return byesAfterAck.remove(sipCallId);
  }

  /** Every BYE of ours still waiting for an ACK (the leg is dropped, the node stops). */
  synchronized List<ReliableProvisionals.Step> takeByesAfterAck() {
    List<ReliableProvisionals.Step> byes = new ArrayList<>(byesAfterAck.values());
    byesAfterAck.clear();
    return byes;
  }

  /** How many BYEs of ours wait for an ACK in this leg. */
  synchronized int byesAfterAck() {
    return byesAfterAck.size();
  }

  /** The peer ended dialog {@code sipCallId} itself: our BYE waiting in it is not sent. */
  synchronized void peerEnded(String sipCallId) {
    byesAfterAck.remove(sipCallId);
  }

  synchronized void ack(Request ack) {
    this.ack = ack;
  }

  synchronized Request ack() {
    return ack;
  }

  // ---------------------------------------------------------------- SDP

  /**
   * The o= line of the next SDP we send in the call. The session id is the call's on every node
   * ({@link Sdp#sessionId}); the version counts up from the clock's
   * milliseconds when the leg was made, so the node that takes a call over goes on above the
   * versions of the node before (unless that one sent more SDPs than milliseconds passed since
   * it began; whole seconds were too coarse: a call answered and taken over within the same
   * second offered the same version again).
   */
  synchronized Sdp.Origin nextSdpOrigin() {
    if (sdpVersion == 0) {
      sdpVersion = seconds.getAsLong();
    }
    ++sdpVersion;
    return new Sdp.Origin(Sdp.sessionId(callId), sdpVersion);
  }

  synchronized void offered(SdpDirection direction) {
    offered = direction;
  }

  synchronized SdpDirection offered() {
    return offered;
  }

  /** How our last offer was made as to SRTP: the peer's answer is read against it. */
  synchronized void offeredSrtp(SdesDecision.Offer offer) {
    offeredSrtp = offer;
  }

  synchronized SdesDecision.Offer offeredSrtp() {
    return offeredSrtp;
  }

  /** The SRTP profile negotiated (RTP/SAVP or RTP/AVP with crypto), for our re-offers. */
  synchronized void srtpProfile(boolean savp) {
    this.savp = savp;
  }

  /** That profile; empty on a node that has not negotiated SRTP for the call (a failover). */
  synchronized java.util.Optional<Boolean> srtpProfile() {
    return java.util.Optional.ofNullable(savp);
  }

  // ---------------------------------------------------------------- our re-INVITEs

  synchronized boolean reinviting() {
    return reinviting;
  }

  /** Starts {@code r} if no re-INVITE is in progress (true); otherwise it waits (false). */
  synchronized boolean startReinvite(SipLegCommand.Reinvite r) {
    if (reinviting || acking) {
      queuedReinvite = r;
      return false;
    }
    reinviting = true;
    return true;
  }

  /** The re-INVITE in progress completed: the one that waits, or null (the dialog is free). */
  synchronized SipLegCommand.Reinvite nextReinvite() {
    SipLegCommand.Reinvite next = queuedReinvite;
    queuedReinvite = null;
    reinviting = next != null;
    return next;
  }

  synchronized void reinviteFailed() {
    queuedReinvite = null;
    reinviting = false;
    acking = false;
  }

  /**
   * Our re-INVITE got its 2xx: the transaction is over, so a re-INVITE of the peer is no glare
   * from now (RFC 3261 14.1), but our next one waits until our ACK has gone ({@link
   * #acknowledged}): a peer may abort on an INVITE before the ACK of the last.
   */
  synchronized void answered() {
    reinviting = false;
    acking = true;
  }

  /** Our ACK of the 2xx has gone: the re-INVITE that waits, or null (the dialog is free). */
  synchronized SipLegCommand.Reinvite acknowledged() {
    acking = false;
    return nextReinvite();
  }

  // ---------------------------------------------------------------- DTMF INFO

  /** Queues INFO requests; the one to send now when none was in flight, else null. */
  synchronized Request queueInfos(Collection<Request> requests) {
    infos.addAll(requests);
    return infoInFlight ? null : nextInfo();
  }

  /** The next INFO to send (now in flight), or null when none is left. */
  synchronized Request nextInfo() {
    Request r = infos.poll();
    infoInFlight = r != null;
    return r;
  }

  @Override
  public synchronized String toString() {
    return "SipLeg[" + callId + ", dialogs " + dialogs.keySet() + (claimed ? "" : ", unclaimed")
        + (pendingInvite != null ? ", INVITE pending" : "") + "]";
  }
}
