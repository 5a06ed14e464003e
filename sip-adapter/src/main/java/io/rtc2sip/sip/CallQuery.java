package io.rtc2sip.sip;

import io.rtc2sip.actors.model.SipDialog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Asks a call, on any node, for its state name (Idle, Active, Ended...) and its SIP dialog. The
 * adapter asks when it has no state of its own for a call: a request for a dialog that does not
 * exist is answered 481 only after asking the call; a request in a dialog this node does not
 * hold (after a failover) is checked against the dialog the call keeps.
 */
@FunctionalInterface
public interface CallQuery {

  /**
   * What the call says.
   *
   * @param dialog its current SIP dialog; null when it has none
   * @param node the SIP listener ({@code host:port}) of the node running the call (for a call
   *     that has not started: where it would start); null when unknown
   */
  record Answer(String state, SipDialog dialog, String node) {

    /** What a call says when where it runs is not known. */
    public Answer(String state, SipDialog dialog) {
      this(state, dialog, null);
    }

    /** Whether the call has not started or has ended. */
    boolean over() {
      return state.equals("Idle") || state.equals("Ended");
    }
  }

  CompletionStage<Answer> ask(String callId);

  /** A query that knows only state names (tests, nodes without dialogs). */
  static CallQuery ofStates(Function<String, String> states) {
    return callId -> CompletableFuture.completedFuture(new Answer(states.apply(callId), null));
  }
}
