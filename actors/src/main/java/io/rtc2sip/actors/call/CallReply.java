package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;

/** The answer to a {@link CallCommand.ClientCommand}. */
public sealed interface CallReply extends CborSerializable {

  String callId();

  /**
   * The command was taken; what follows is told through notifications. {@code sdp}: the SDP
   * answer of the call's WebRTC leg, for a command that brought an offer (null otherwise).
   */
  record Accepted(String callId, String sdp) implements CallReply {
    public Accepted(String callId) {
      this(callId, null);
    }
  }

  /** The command does not fit the call's state (or caller); nothing changed. */
  record Rejected(String callId, String reason) implements CallReply {}
}
