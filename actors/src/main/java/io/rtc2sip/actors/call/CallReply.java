package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;

/** The answer to a {@link CallCommand.ClientCommand}. */
public sealed interface CallReply extends CborSerializable {

  String callId();

  /** The command was taken; what follows is told through notifications. */
  record Accepted(String callId) implements CallReply {}

  /** The command does not fit the call's state (or caller); nothing changed. */
  record Rejected(String callId, String reason) implements CallReply {}
}
