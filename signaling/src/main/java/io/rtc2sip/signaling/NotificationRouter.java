package io.rtc2sip.signaling;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The clients port of a node: delivers what calls tell users to the user's connection on this
 * node, or forwards it to the router of the node where the user is connected (asking the user
 * session where that is). Routers find each other through the receptionist.
 */
final class NotificationRouter {
  private static final Logger log = LoggerFactory.getLogger(NotificationRouter.class);
  static final ServiceKey<Forwarded> KEY = ServiceKey.create(Forwarded.class, "signaling-router");

  /** A notification another node's router passes on for a connection on this node. */
  record Forwarded(ClientNotification notification) implements CborSerializable {}

  private record Located(ClientNotification notification, Presence presence, Throwable failure) {}

  private final Map<String, ClientSession> byUid = new ConcurrentHashMap<>();
  private final Map<String, ClientSession> byConnection = new ConcurrentHashMap<>();
  private final Set<ActorRef<Forwarded>> routers = ConcurrentHashMap.newKeySet();
  private final String node;
  private final Entities entities;

  NotificationRouter(String node, Entities entities) {
    this.node = node;
    this.entities = entities;
  }

  /** The newest connection of a user takes its notifications; older ones stay reachable by id. */
  void register(ClientSession session) {
    byUid.put(session.uid(), session);
    byConnection.put(session.connectionId(), session);
  }

  void unregister(ClientSession session) {
    byConnection.remove(session.connectionId(), session);
    if (session.uid() != null) {
      byUid.remove(session.uid(), session);
    }
  }

  Behavior<Object> behavior() {
    return Behaviors.setup(ctx -> {
      ActorRef<Forwarded> self = ctx.getSelf().narrow();
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, self));
      ActorRef<Receptionist.Listing> listings =
          ctx.messageAdapter(Receptionist.Listing.class, l -> l);
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, listings));
      return Behaviors.receive(Object.class)
          .onMessage(Receptionist.Listing.class, l -> {
            routers.clear();
            routers.addAll(l.getServiceInstances(KEY));
            return Behaviors.same();
          })
          .onMessage(Forwarded.class, f -> {
            deliverHere(f.notification(), true);
            return Behaviors.same();
          })
          .onMessage(ClientNotification.class, n -> {
            route(ctx, n);
            return Behaviors.same();
          })
          .onMessage(Located.class, l -> {
            located(l);
            return Behaviors.same();
          })
          .build();
    });
  }

  private void route(ActorContext<Object> ctx, ClientNotification n) {
    if (n instanceof ClientNotification.SessionReplaced s && !s.node().equals(node)) {
      forward(s.node(), n);
      return;
    }
    if (deliverHere(n, false)) {
      return;
    }
    ctx.pipeToSelf(entities.<Presence>user(n.uid(), UserCommand.GetPresence::new),
        (p, failure) -> new Located(n, p, failure));
  }

  private boolean deliverHere(ClientNotification n, boolean forwarded) {
    ClientSession session = n instanceof ClientNotification.SessionReplaced s
        ? byConnection.get(s.connectionId()) : byUid.get(n.uid());
    if (session == null) {
      if (forwarded) {
        log("no connection of {} here any more: {} dropped", n);
      }
      return false;
    }
    if (n instanceof ClientNotification.SessionReplaced) {
      unregister(session);
    }
    session.deliver(n);
    return true;
  }

  private void located(Located l) {
    ClientNotification n = l.notification();
    if (l.failure() != null) {
      log("user session of {} did not answer: {} dropped", n);
    } else if (l.presence().online() && !node.equals(l.presence().node())) {
      forward(l.presence().node(), n);
    } else if (n instanceof ClientNotification.OfflineCallNotice c) {
      MDC.put("callId", c.callId());
      log.info("{} is offline: call from {} parked until {}; it is offered when the user logs"
          + " in (the node running the call pushes the user's app when rtc2sip.push.url is set)",
          c.uid(), c.caller().address(), c.parkDeadline());
      MDC.remove("callId");
    } else {
      log("{} has no connection: {} dropped", n);
    }
  }

  private void forward(String target, ClientNotification n) {
    for (ActorRef<Forwarded> r : routers) {
      if (r.path().address().toString().equals(target)) {
        r.tell(new Forwarded(n));
        return;
      }
    }
    log("no signaling router on node " + target.replace("{", "") + " for {}: {} dropped", n);
  }

  private static void log(String pattern, ClientNotification n) {
    log.info(pattern, n.uid(), n.getClass().getSimpleName());
  }
}
