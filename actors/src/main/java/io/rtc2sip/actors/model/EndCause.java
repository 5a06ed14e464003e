package io.rtc2sip.actors.model;

/**
 * Why a call ended, with its SIP and Q.850 mapping. This enum is the single table that turns
 * SIP final responses into call outcomes ({@link #fromSipStatus}) and call outcomes into the
 * status the gateway sends when it rejects an inbound INVITE ({@link #sipStatus}).
 *
 * <p>Causes that end an answered call carry status 200: the call was answered, the cause says
 * how it ended. Q.850 values follow RFC 3398 and are used in {@code Reason} headers.
 */
public enum EndCause {
  LOCAL_HANGUP("hung up by the RTC user", 200, 200, 16),
  REMOTE_HANGUP("hung up by the SIP party", 200, 200, 16),
  RTC_PEER_LEFT("the RTC user left the channel", 200, 200, 16),
  RTC_MEDIA_FAILED("the RTC user's media connection failed", 200, 200, 41),
  MEDIA_TIMEOUT("no media received", 200, 200, 41),
  DIALOG_LOST("the SIP dialog no longer exists", 481, 481, 41),
  TRANSFERRED("transferred", 200, 200, 16),
  TRANSFER_FAILED("transfer target did not answer and the transferor had left", 200, 200, 41),
  CANCELLED("cancelled before answer", 487, 487, 16),
  NO_ANSWER("no answer", 408, 480, 19),
  CALLEE_OFFLINE("callee offline", 480, 480, 20),
  BUSY("busy", 486, 486, 17),
  DECLINED("declined", 603, 603, 21),
  NOT_FOUND("no such number or user", 404, 404, 1),
  FORBIDDEN("not allowed", 403, 403, 21),
  REDIRECTED("redirected; redirects are not followed", 302, 302, 23),
  INCOMPATIBLE_MEDIA("no common codec", 488, 488, 65),
  REJECTED("rejected by the SIP side", 400, 400, 127),
  SERVER_FAILURE("SIP server failure", 500, 503, 41);

  private final String description;
  private final int outboundStatus;
  private final int inboundStatus;
  private final int q850;

  EndCause(String description, int outboundStatus, int inboundStatus, int q850) {
    this.description = description;
    this.outboundStatus = outboundStatus;
    this.inboundStatus = inboundStatus;
    this.q850 = q850;
  }

  /** Human-readable cause, sent to clients with the end notification. */
  public String description() {
    return description;
  }

  /**
   * The SIP status of this outcome. For inbound calls it is the final response the gateway sends
   * to the caller's INVITE (no answer is 480 there, the status of an unanswered callee); for
   * outbound calls it is the status that typically reports it to us (no answer is 408).
   */
  public int sipStatus(CallDirection direction) {
    return direction == CallDirection.INBOUND ? inboundStatus : outboundStatus;
  }

  /** Q.850 cause value for a {@code Reason: Q.850;cause=N} header. */
  public int q850() {
    return q850;
  }

  /** The outcome of an INVITE that failed with this final status (300-699). */
  public static EndCause fromSipStatus(int status) {
    if (status < 300 || status > 699) {
      throw new IllegalArgumentException("not a failure status: " + status);
    }
    switch (status) {
      case 401:
      case 403:
      case 407:
        return FORBIDDEN;
      case 404:
      case 484:
      case 604:
        return NOT_FOUND;
      case 408:
        return NO_ANSWER;
      case 480:
        return CALLEE_OFFLINE;
      case 481:
        return DIALOG_LOST;
      case 486:
      case 600:
        return BUSY;
      case 487:
        return CANCELLED;
      case 488:
      case 606:
        return INCOMPATIBLE_MEDIA;
      case 603:
        return DECLINED;
      default:
        if (status < 400) {
          return REDIRECTED;
        }
        if (status < 500) {
          return REJECTED;
        }
        return status < 600 ? SERVER_FAILURE : DECLINED;
    }
  }
}
