package io.rtc2sip.actors.port;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The adapters a call talks to, all node-local actors on the node running the call. Never
 * persisted: a recovered call gets the ports of its new node.
 *
 * @param sip the SIP adapter
 * @param media the media bridge
 * @param clients the client-signaling adapter (and push notifications)
 */
public record CallPorts(
    ActorRef<SipLegCommand> sip,
    ActorRef<MediaCommand> media,
    ActorRef<ClientNotification> clients) {

  public CallPorts {
    if (sip == null || media == null || clients == null) {
      throw new IllegalArgumentException("all three ports are required");
    }
  }
}
