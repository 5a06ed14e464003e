package io.rtc2sip.app;

import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The port of an adapter this node does not run: every request is logged at WARN with its call
 * id (or uid) and dropped, so an operator sees what the node could not do instead of silence.
 */
final class UnwiredPort {
  private static final Logger log = LoggerFactory.getLogger(UnwiredPort.class);

  private UnwiredPort() {}

  static <T> Behavior<T> create(String adapter) {
    return Behaviors.receive(
        (ctx, message) -> {
          String key = message instanceof ClientNotification || message instanceof SipRegistrationCommand
              ? "uid"
              : "callId";
          MDC.put(key, subject(message));
          try {
            log.warn("no {} on this node: {} dropped", adapter, message.getClass().getSimpleName());
          } finally {
            MDC.remove(key);
          }
          return Behaviors.same();
        });
  }

  private static String subject(Object message) {
    if (message instanceof SipLegCommand c) {
      return c.callId();
    }
    if (message instanceof MediaCommand c) {
      return c.callId();
    }
    if (message instanceof ClientNotification n) {
      return n.uid();
    }
    if (message instanceof SipRegistrationCommand r) {
      return r.uid();
    }
    return "";
  }
}
