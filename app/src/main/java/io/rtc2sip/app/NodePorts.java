package io.rtc2sip.app;

import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node-local adapters the entities of this node talk to.
 *
 * @param calls the SIP adapter, media bridge and client-signaling adapter as calls see them
 * @param registrations the SIP adapter's registration client, for user sessions
 * @param routes what the adapters serve on the node's HTTP port (WebSocket signaling...)
 */
public record NodePorts(
    CallPorts calls, ActorRef<SipRegistrationCommand> registrations, List<Route> routes) {

  public NodePorts {
    routes = List.copyOf(routes);
  }
}
