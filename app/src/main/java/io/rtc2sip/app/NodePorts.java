package io.rtc2sip.app;

import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The node-local adapters the entities of this node talk to.
 *
 * @param calls the SIP adapter, media bridge and client-signaling adapter as calls see them
 * @param registrations the SIP adapter's registration client, for user sessions
 */
public record NodePorts(CallPorts calls, ActorRef<SipRegistrationCommand> registrations) {}
