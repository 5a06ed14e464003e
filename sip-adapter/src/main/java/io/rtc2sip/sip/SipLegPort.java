package io.rtc2sip.sip;

import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.port.SipLegCommand;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The actor calls send {@link SipLegCommand}s to; each becomes a SIP request or response. */
final class SipLegPort {
  private static final Logger log = LoggerFactory.getLogger(SipLegPort.class);

  private final InboundInvites inbound;
  private final OutboundInvites outbound;
  private final DialogRequests dialogs;
  private final SipLegs legs;

  SipLegPort(SipLegs legs, InboundInvites inbound, OutboundInvites outbound,
      DialogRequests dialogs) {
    this.legs = legs;
    this.inbound = inbound;
    this.outbound = outbound;
    this.dialogs = dialogs;
  }

  Behavior<Object> behavior(Object stop) {
    return Behaviors.receive(Object.class)
        .onMessageEquals(stop, Behaviors::stopped)
        .onMessage(SipLegCommand.class, c -> {
          MDC.put("callId", c.callId());
          try {
            handle(c);
          } catch (Exception e) {
            log.warn("{} failed: {}", c.getClass().getSimpleName(), e.toString());
          } finally {
            MDC.remove("callId");
          }
          return Behaviors.same();
        })
        .build();
  }

  private void handle(SipLegCommand command) throws Exception {
    SipLegCommand c = onItsLeg(command);
    claim(c);
    if (c instanceof SipLegCommand.Invite i) {
      outbound.invite(i);
    } else if (c instanceof SipLegCommand.Ring r) {
      inbound.ring(r);
    } else if (c instanceof SipLegCommand.Accept a) {
      inbound.accept(a);
    } else if (c instanceof SipLegCommand.Reject r) {
      inbound.reject(r);
    } else if (c instanceof SipLegCommand.Cancel x) {
      outbound.cancel(x);
    } else if (c instanceof SipLegCommand.Bye b) {
      dialogs.bye(b);
    } else if (c instanceof SipLegCommand.Reinvite r) {
      dialogs.reinvite(r);
    } else if (c instanceof SipLegCommand.Refer r) {
      dialogs.refer(r);
    } else if (c instanceof SipLegCommand.Info i) {
      dialogs.info(i);
    } else if (c instanceof SipLegCommand.NotifyTransferProgress n) {
      dialogs.notifyProgress(n);
    }
  }

  /**
   * The command, on the leg that holds its dialog on this node: an added conference party's
   * (call/N) when the call names it by its call id. That happens once the call's own SIP party
   * left a conference and a party that joined took its place as the call's dialog: its leg and
   * media stay the party's on this node (on a node that recovers the call, the call id is the
   * leg).
   */
  private SipLegCommand onItsLeg(SipLegCommand c) {
    if (c.dialog() == null || CallIds.partyOfLeg(c.callId()) != 0
        || !CallIds.isWellFormed(c.callId())) {
      return c;
    }
    int leg = CallIds.legOfSipCallId(c.dialog().callId()).orElse(1);
    String key = leg > 1 ? CallIds.partyLeg(c.callId(), leg) : null;
    if (key == null || legs.get(key) == null) {
      return c;
    }
    MDC.put("callId", key);
    if (c instanceof SipLegCommand.Bye b) {
      return new SipLegCommand.Bye(key, b.dialog(), b.cause());
    } else if (c instanceof SipLegCommand.Reinvite r) {
      return new SipLegCommand.Reinvite(key, r.dialog(), r.direction(), r.media());
    } else if (c instanceof SipLegCommand.Info i) {
      return new SipLegCommand.Info(key, i.dialog(), i.digits(), i.durationMs());
    } else if (c instanceof SipLegCommand.Cancel x) {
      return new SipLegCommand.Cancel(key, x.dialog(), x.cause());
    } else if (c instanceof SipLegCommand.Refer r) {
      return new SipLegCommand.Refer(key, r.dialog(), r.target());
    } else if (c instanceof SipLegCommand.NotifyTransferProgress n) {
      return new SipLegCommand.NotifyTransferProgress(key, n.dialog(), n.status());
    }
    return c;
  }

  /**
   * The call's command makes the leg the call's and tells it the dialog as the call keeps it: a
   * command that goes on in a dialog re-creates the leg on a node that has none (after a
   * failover); one about a pending INVITE or an ending only claims a leg that exists, and a BYE
   * never makes one.
   */
  private void claim(SipLegCommand c) {
    if (c instanceof SipLegCommand.Invite || c instanceof SipLegCommand.Reinvite
        || c instanceof SipLegCommand.Refer || c instanceof SipLegCommand.Info
        || c instanceof SipLegCommand.NotifyTransferProgress) {
      legs.learn(c.callId(), c.dialog());
    } else if (!(c instanceof SipLegCommand.Bye)) {
      SipLeg leg = legs.get(c.callId());
      if (leg != null) {
        leg.learn(c.dialog());
      }
    }
  }
}
