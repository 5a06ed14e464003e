package io.rtc2sip.media;

import io.rtc2sip.codec.pipeline.SendPipeline;
import io.rtc2sip.codec.tone.Ringback;

/**
 * What a call not yet answered sends its SIP caller instead of RTC audio: the ringback tone, 10
 * ms at a time at 8 kHz, on the media clock's thread (one frame buffer, filled in place).
 */
final class RingbackSource {
  private final Ringback tone = Ringback.european();
  private final short[] frame = new short[SendPipeline.NARROW_FRAME_SAMPLES];

  /** The next 10 ms of ringback (the same array each time). */
  short[] next10ms() {
    tone.fill(frame, 0, frame.length);
    return frame;
  }

  @Override
  public String toString() {
    return tone.toString();
  }
}
