package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;

/** The answer to a {@link CallCommand.ClientCommand}. */
public sealed interface CallReply extends CborSerializable {

  String callId();

  /**
   * The command was taken; what follows is told through notifications. {@code sdp}: the SDP
   * answer of the call's WebRTC leg, for a command that brought an offer (null otherwise).
   * {@code rtcAddress}: where the call's RTC audio is, on the node running the call ({@code
   * host:port} of its loopback RTC network; null on a network that is not node-local).
   */
  record Accepted(String callId, String sdp, String rtcAddress) implements CallReply {
    public Accepted(String callId) {
      this(callId, null, null);
    }

    public Accepted(String callId, String sdp) {
      this(callId, sdp, null);
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
