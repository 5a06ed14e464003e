package io.rtc2sip.actors.call;

import io.rtc2sip.actors.call.CallCommand.ClientCommand;
import io.rtc2sip.actors.model.EndCause;

/**
 * How a call ends, for {@link CallActions#end}: the cause, the SIP status of the INVITE's outcome,
 * whether the RTC user's client is told, whose request is answered once the end is written, and
 * what is sent before media stops ({@code sends}: a BYE, a final response, the CANCEL of a
 * transfer leg; nothing when the peer ended the call).
 */
record EndCall(
    EndCause cause, int sipStatus, boolean tellClient, ClientCommand replyTo, Runnable sends) {

  private static final Runnable NOTHING = () -> { };

  /** The call ends with {@code cause} and {@code sipStatus}; the client is told; nothing sent. */
  static EndCall of(EndCause cause, int sipStatus) {
    return new EndCall(cause, sipStatus, true, null, NOTHING);
  }

  /** The same end, sending with {@code sends} what the SIP leg needs first. */
  EndCall sending(Runnable sends) {
    return new EndCall(cause, sipStatus, tellClient, replyTo, sends);
  }

  /** The same end, answering {@code command} (null: nobody waits). */
  EndCall answering(ClientCommand command) {
    return new EndCall(cause, sipStatus, tellClient, command, sends);
  }

  /** The same end, told to the client only when {@code tell} (it never heard of the call). */
  EndCall tellingClient(boolean tell) {
    return new EndCall(cause, sipStatus, tell, replyTo, sends);
  }
}
