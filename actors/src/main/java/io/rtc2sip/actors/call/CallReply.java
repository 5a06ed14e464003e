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

  /**
   * The command does not fit the call's state (or caller), or the user's dial plan refuses it;
   * nothing changed. {@code code} is the signaling error code: {@code rejected}, or for a refusal
   * by the dial plan {@code forbidden-destination}, {@code too-many-calls}, {@code
   * call-rate-exceeded} ({@link io.rtc2sip.actors.dialplan.DialPlan}).
   */
  record Rejected(String callId, String code, String reason) implements CallReply {
    /** The code of a command that does not fit the call's state. */
    public static final String REJECTED = "rejected";

    public Rejected {
      code = code == null ? REJECTED : code;
    }

    /** A command that does not fit the call's state. */
    public Rejected(String callId, String reason) {
      this(callId, REJECTED, reason);
    }
  }
}
