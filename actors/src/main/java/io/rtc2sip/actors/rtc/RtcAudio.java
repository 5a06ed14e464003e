package io.rtc2sip.actors.rtc;

/**
 * The RTC leg of one call as the media clock sees it: 10 ms frames of 48 kHz mono PCM (480
 * samples) each way. Implemented over the node's RTC port (Agora or the loopback network).
 */
public interface RtcAudio extends AutoCloseable {

  /** Sends one frame to the RTC user; the array is reused after the call returns. */
  void publish(short[] frame);

  /**
   * Whether the RTC user is there to hear what {@link #publish} sends; while not, the media
   * bridge may skip producing those frames.
   */
  default boolean listening() {
    return true;
  }

  /** Copies the RTC user's next frame into {@code out}; false when none arrived in time. */
  boolean poll(short[] out);

  /** Leaves the channel. */
  @Override
  void close();
}
