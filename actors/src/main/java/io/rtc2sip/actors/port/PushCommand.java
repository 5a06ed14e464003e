package io.rtc2sip.actors.port;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.call.CallCommand;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a parked call asks of its node's push service (node-local: the service runs on the node
 * that runs the call). The service makes one delivery attempt per {@link Notify}, off the
 * call's thread, and reports its outcome back to the call as {@link
 * CallCommand.PushAttemptFinished}; the call persists it and decides whether to try again.
 */
public sealed interface PushCommand extends CborSerializable {

  /**
   * Tell the app of offline user {@code callee} that {@code caller} calls: attempt number
   * {@code attempt} (from 1) of call {@code callId}, which waits for the user until
   * {@code deadline}.
   */
  record Notify(String callId, String caller, String callee, Instant deadline, int attempt,
      ActorRef<CallCommand> replyTo) implements PushCommand {}
}
