package io.rtc2sip.app;

import org.apache.pekko.actor.typed.ActorSystem;

/** Starts the services of a node: the sharded entities and the adapters that feed them. */
final class NodeServices {
  private NodeServices() {}

  static void start(ActorSystem<Void> system) {
    // The call and user entities are registered here once module actors provides them.
  }
}
