package io.rtc2sip.actors.model;

/**
 * The RTC side of a call: the channel the media bridge joins and the uid of the RTC user in it.
 * Enough to rejoin the channel from another node after failover.
 */
public record RtcLeg(String channel, String uid) {
  public RtcLeg {
    if (channel == null || channel.isBlank() || uid == null || uid.isBlank()) {
      throw new IllegalArgumentException("an RTC leg needs a channel and a uid");
    }
  }
}
