package io.rtc2sip.actors.rtc;

/**
 * Tokens that let an RTC user join a call's channel on the node's RTC network (Agora's, minted
 * with the App Certificate); the signaling server hands them to clients with their calls.
 */
@FunctionalInterface
public interface RtcTokens {

  /** A token for {@code uid} in {@code channel}, or null when the network needs none. */
  String issue(String channel, String uid);

  /** A network without tokens (the loopback network). */
  RtcTokens NONE = (channel, uid) -> null;
}
