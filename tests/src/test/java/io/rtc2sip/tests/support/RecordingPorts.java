package io.rtc2sip.tests.support;

import io.rtc2sip.actors.port.CallPorts;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.app.NodePorts;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Ports that record what the entities of a node ask of their adapters, one line per message:
 * {@code PORT <port> <Message> <callId or uid> <detail>}. A node in another JVM prints them, so
 * its test can wait for them in the node's output.
 */
public final class RecordingPorts {

  private RecordingPorts() {}

  public static Function<ActorSystem<Void>, NodePorts> into(Consumer<String> sink) {
    return system -> {
      ActorRef<SipLegCommand> sip = spawn(system, "sip", sink);
      ActorRef<MediaCommand> media = spawn(system, "media", sink);
      ActorRef<ClientNotification> clients = spawn(system, "clients", sink);
      ActorRef<SipRegistrationCommand> registrations = spawn(system, "registrations", sink);
      return new NodePorts(new CallPorts(sip, media, clients), registrations, List.of());
    };
  }

  /** The line a port writes for {@code message}. */
  public static String line(String port, Object message) {
    return "PORT " + port + " " + message.getClass().getSimpleName() + " " + subject(message)
        + " " + detail(message);
  }

  private static <T> ActorRef<T> spawn(ActorSystem<Void> system, String port, Consumer<String> sink) {
    Behavior<T> recorder =
        Behaviors.receiveMessage(
            m -> {
              sink.accept(line(port, m));
              return Behaviors.same();
            });
    return system.systemActorOf(recorder, "recording-" + port, Props.empty());
  }

  private static String subject(Object m) {
    if (m instanceof SipLegCommand c) {
      return c.callId();
    }
    if (m instanceof MediaCommand c) {
      return c.callId();
    }
    if (m instanceof ClientNotification n) {
      return n.uid();
    }
    return m instanceof SipRegistrationCommand r ? r.uid() : "-";
  }

  private static String detail(Object m) {
    if (m instanceof SipLegCommand.Reinvite r) {
      return "cseq=" + r.dialog().localCseq() + " " + r.direction();
    }
    if (m instanceof MediaCommand.Reanchor r) {
      return r.direction().toString();
    }
    if (m instanceof ClientNotification.Ended e) {
      return e.callId() + " " + e.cause();
    }
    return "";
  }
}
