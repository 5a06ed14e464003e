package io.rtc2sip.sip;

import io.rtc2sip.actors.model.SipDialog;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The {@link SipLeg}s of the calls on this node, by call id: the one place the adapter keeps
 * per-call state. A leg is dropped when its call ends (BYE either way, a final rejection or
 * failure, a CANCEL), or by {@link LegChecks} when its call turns out to be over.
 */
final class SipLegs {
  private final Map<String, SipLeg> legs = new ConcurrentHashMap<>();
  private final AtomicInteger pendingInvites = new AtomicInteger();
  private final Consumer<SipLeg> leftovers;

  /**
   * {@code leftovers} gets each leg dropped, for what must still go out of it: an INVITE still
   * waiting (its call found over in the instant after the INVITE was let in) must be answered,
   * our BYE that waited for an ACK must go.
   */
  SipLegs(Consumer<SipLeg> leftovers) {
    this.leftovers = leftovers;
  }

  SipLeg get(String callId) {
    return legs.get(callId);
  }

  /** The call's leg, made if this node has none (our first command after a failover). */
  SipLeg open(String callId) {
    return legs.computeIfAbsent(callId, this::newLeg);
  }

  /** The call's leg, knowing {@code dialog} (the call sent a command about it). */
  SipLeg learn(String callId, SipDialog dialog) {
    SipLeg leg = open(callId);
    leg.learn(dialog);
    return leg;
  }

  /** A new leg for an INVITE from the peer, or null when the call has one on this node. */
  SipLeg openInbound(String callId) {
    SipLeg leg = newLeg(callId);
    return legs.putIfAbsent(callId, leg) == null ? leg : null;
  }

  /**
   * Forgets the call: its pending transactions are no longer ours to answer, our 2xx is no
   * longer sent again. Returns the dropped leg, or null.
   */
  SipLeg drop(String callId) {
    SipLeg leg = legs.remove(callId);
    if (leg != null) {
      release(leg);
    }
    return leg;
  }

  /** Drops {@code leg} only if it is still the call's (not a newer one). */
  boolean drop(SipLeg leg) {
    if (legs.remove(leg.callId, leg)) {
      release(leg);
      return true;
    }
    return false;
  }

  private void release(SipLeg leg) {
    SipLeg.AnsweredInvite answered = leg.takeUnacknowledged();
    if (answered != null) {
      SipContext.stopAlerts(answered.tx());
    }
    leftovers.accept(leg);
  }

  /** The dialog {@code sipCallId} of the call ended; the leg goes with its last dialog. */
  void endDialog(String callId, String sipCallId) {
    SipLeg leg = legs.get(callId);
    if (leg != null && leg.endDialog(sipCallId)) {
      drop(leg);
    }
  }

  Collection<SipLeg> all() {
    return legs.values();
  }

  int size() {
    return legs.size();
  }

  /** INVITEs from peers that await our final response on this node. */
  int pendingInvites() {
    return pendingInvites.get();
  }

  private SipLeg newLeg(String callId) {
    return new SipLeg(callId, pendingInvites);
  }
}
