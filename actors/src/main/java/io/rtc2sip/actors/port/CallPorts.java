package io.rtc2sip.actors.port;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The adapters a call talks to, all node-local actors on the node running the call. Never
 * persisted: a recovered call gets the ports of its new node.
 *
 * @param sip the SIP adapter
 * @param media the media bridge
 * @param clients the client-signaling adapter (and push notifications)
 * @param rtcAddress where clients join this node's RTC network ({@code host:port} of the loopback
 *     network), told to clients with their calls so that their audio follows a call to this node;
 *     null when the network is not node-local (Agora)
 * @param sipAddress where this node's SIP listener is ({@code host:port}): a node that receives
 *     the INVITE of a call running here passes it on to this address; null when unknown
 * @param push the push service that notifies offline callees' apps of parked calls; null when
 *     none is configured (a parked call then only waits for its callee to log in)
 */
public record CallPorts(
    ActorRef<SipLegCommand> sip,
    ActorRef<MediaCommand> media,
    ActorRef<ClientNotification> clients,
    String rtcAddress,
    String sipAddress,
    ActorRef<PushCommand> push) {

  public CallPorts {
    if (sip == null || media == null || clients == null) {
      throw new IllegalArgumentException("all three ports are required");
    }
  }

  /** Ports of a node without a push service. */
  public CallPorts(ActorRef<SipLegCommand> sip, ActorRef<MediaCommand> media,
      ActorRef<ClientNotification> clients, String rtcAddress, String sipAddress) {
    this(sip, media, clients, rtcAddress, sipAddress, null);
  }

  /** These ports with {@code service} as the push service (null: none). */
  public CallPorts withPush(ActorRef<PushCommand> service) {
    return new CallPorts(sip, media, clients, rtcAddress, sipAddress, service);
  }

  /** Ports of a node whose SIP address is not told to other nodes. */
  public CallPorts(ActorRef<SipLegCommand> sip, ActorRef<MediaCommand> media,
      ActorRef<ClientNotification> clients, String rtcAddress) {
    this(sip, media, clients, rtcAddress, null);
  }

  /** Ports of a node whose RTC network is not node-local. */
  public CallPorts(ActorRef<SipLegCommand> sip, ActorRef<MediaCommand> media,
      ActorRef<ClientNotification> clients) {
    this(sip, media, clients, null, null);
  }
}
