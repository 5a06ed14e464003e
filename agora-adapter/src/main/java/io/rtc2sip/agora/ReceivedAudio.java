package io.rtc2sip.agora;

import io.rtc2sip.codec.resample.Resampler;

/**
 * The RTC user's audio on its way to the media clock: chunks as the SDK delivers them (any
 * length or channel count, at 48 kHz as the binding asks for, or 8 or 16 kHz through the codec's
 * resampler; copied out of the callback) become exact 10 ms frames of 48 kHz mono in a bounded
 * queue that drops its oldest frames when full. Other rates are rejected and counted.
 */
final class ReceivedAudio {
  private final SampleRing frames;
  private short[] mono = new short[Pcm16.FRAME_SAMPLES];
  private short[] resampled = new short[Pcm16.FRAME_SAMPLES];
  private Resampler resampler;
  private long rejected;

  ReceivedAudio(int capacityFrames) {
    this.frames = new SampleRing(Pcm16.FRAME_SAMPLES, capacityFrames);
  }

  /** Queues a chunk of little-endian PCM; called on an SDK thread, so it only copies. */
  synchronized void add(byte[] pcm, int sampleRate, int channels) {
    if (pcm == null || channels < 1 || channels > 8
        || (sampleRate != Pcm16.RATE && sampleRate != 8000 && sampleRate != 16000)) {
      rejected++;
      return;
    }
    int need = pcm.length / (2 * channels);
    if (mono.length < need) {
      mono = new short[need];
    }
    int n = Pcm16.toMono(pcm, pcm.length, channels, mono);
    if (sampleRate == Pcm16.RATE) {
      resampler = null;
      frames.write(mono, 0, n);
      return;
    }
    if (resampler == null || resampler.inputRate() != sampleRate) {
      resampler = Resampler.create(sampleRate, Pcm16.RATE);
    }
    if (resampled.length < resampler.maxOutput(n)) {
      resampled = new short[resampler.maxOutput(n)];
    }
    frames.write(resampled, 0, resampler.process(mono, 0, n, resampled, 0));
  }

  /** Moves the next 10 ms frame into {@code out}; false when none is complete yet. */
  boolean poll(short[] out) {
    return frames.read(out);
  }

  /** Frames dropped because the media clock did not take them in time. */
  long dropped() {
    return frames.dropped();
  }

  /** The stages a chunk in the last seen format goes through. */
  @Override
  public synchronized String toString() {
    String resample = resampler == null ? "" : " -> resample " + resampler.inputRate() + " Hz to "
        + Pcm16.RATE + " Hz";
    return "copied PCM -> mono" + resample + " -> 10 ms frames (drop oldest)";
  }

  /** Chunks ignored because their format was not PCM the bridge can use. */
  synchronized long rejected() {
    return rejected;
  }
}
