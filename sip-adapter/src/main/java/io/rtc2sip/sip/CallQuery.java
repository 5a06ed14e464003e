package io.rtc2sip.sip;

import java.util.concurrent.CompletionStage;

/**
 * Asks a call for its state name (Idle, Active, Ended...) from any node: the adapter answers a
 * request for a dialog that does not exist with 481 only after asking the call itself.
 */
@FunctionalInterface
public interface CallQuery {
  CompletionStage<String> state(String callId);
}
