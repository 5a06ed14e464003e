package io.rtc2sip.actors.rtc;

import io.rtc2sip.actors.model.RtcLeg;

/** Joins the RTC leg of a call on this node's RTC network. */
@FunctionalInterface
public interface RtcLegs {

  /**
   * Joins {@code leg}'s channel as the gateway's bot user of call {@code callId}.
   *
   * @param peerLeft called (on any thread) when the RTC user leaves the channel
   * @return the call's audio, or null when the call has no RTC audio here
   */
  RtcAudio join(String callId, RtcLeg leg, Runnable peerLeft);

  /** The tokens clients need to join their calls' channels on this network. */
  default RtcTokens tokens() {
    return RtcTokens.NONE;
  }

  /**
   * Where clients join this node's network ({@code host:port}), told to them with their calls:
   * null when the network is not node-local (Agora's reaches every node).
   */
  default String clientAddress() {
    return null;
  }

  /** No RTC network: the SIP side is bridged to silence. */
  RtcLegs NONE = (callId, leg, peerLeft) -> null;
}
