package io.rtc2sip.actors.rtc;

/**
 * Browser legs: the RTC leg of a call whose user brought a WebRTC SDP offer. The node answers the
 * offer with its own media endpoint (ICE, DTLS-SRTP, Opus) and bridges it like any other RTC leg:
 * 10 ms frames of PCM through {@link RtcAudio}, at 8 kHz (its {@code sampleRate()}): the leg
 * codes narrowband itself, so nothing between it and G.711 resamples.
 */
public interface WebRtcLegs {

  /**
   * Answers {@code offer} with a leg of call {@code callId} on this node.
   *
   * @throws IllegalArgumentException when the offer cannot be answered (the message says why)
   * @throws IllegalStateException when the node has no room for another leg (no free port)
   */
  Answered answer(String callId, String offer, Listener listener);

  /**
   * Checks, without making a leg, that {@code offer} could be answered.
   *
   * @throws IllegalArgumentException with the reason when it could not
   * @throws IllegalStateException when this node has no WebRTC media
   */
  void check(String offer);

  /** The SDP answer for the browser and the leg's audio. */
  record Answered(String sdp, RtcAudio audio) {}

  /** What becomes of a leg after the answer; called once, on any thread. */
  interface Listener {
    /** The browser went away (closed the connection, or nothing arrived for a while). */
    void left(String reason);

    /** The connection never came up (ICE or DTLS did not complete, or failed). */
    void failed(String reason);
  }

  /** A node without WebRTC: every offer is refused. */
  WebRtcLegs NONE = new WebRtcLegs() {
    @Override
    public Answered answer(String callId, String offer, Listener listener) {
      throw new IllegalStateException("this gateway has no WebRTC media");
    }

    @Override
    public void check(String offer) {
      throw new IllegalStateException("this gateway has no WebRTC media");
    }
  };
}
