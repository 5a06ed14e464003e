package io.rtc2sip.actors.rtc;

/**
 * The RTC leg of one call as the media clock sees it: 10 ms frames of mono PCM each way, at
 * 48 kHz (480 samples) or, for a leg that codes narrowband audio itself, at 8 kHz (80 samples:
 * the SIP side's G.711 rate, so neither side resamples). Implemented over the node's RTC port
 * (Agora or the loopback network) and by browser legs.
 */
public interface RtcAudio extends AutoCloseable {

  /** The rate of this leg's frames, 48000 or 8000: a frame holds {@code sampleRate() / 100}. */
  default int sampleRate() {
    return 48000;
  }

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

  /**
   * Called instead of {@link #poll} on a tick that has no use for the RTC user's audio (the SIP
   * side is not up yet): a leg that queues what arrives drops it here, after whatever checks
   * keep the leg alive.
   */
  default void skip() {}

  /** Leaves the channel. */
  @Override
  void close();
}
