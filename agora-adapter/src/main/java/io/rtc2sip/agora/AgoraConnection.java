package io.rtc2sip.agora;

/**
 * One connection of Agora's server SDK (an {@code AgoraRtcConn}): the thin facade the RTC leg
 * drives, so that everything above it is plain Java and tested without the SDK. Methods return
 * the SDK's code (0 = accepted, negative = error).
 *
 * <p>Threading: a leg calls its connection from its own thread only, never from an {@link
 * AgoraEvents} callback (the SDK forbids calling it from its own callback threads).
 */
public interface AgoraConnection {

  /** Receive the audio of remote user {@code uid} (before {@link #connect}). */
  int subscribeAudio(String uid);

  /** Starts joining {@code channel} as {@code uid}; the outcome arrives as events. */
  int connect(String token, String channel, String uid);

  /** Publishes the connection's PCM audio track (after {@link #connect}). */
  int publishAudio();

  /**
   * Queues 16-bit little-endian PCM for sending; a whole number of milliseconds. The SDK copies
   * it, so {@code pcm} may be reused when the call returns.
   */
  int pushPcm(byte[] pcm, int sampleRate, int channels);

  /** Replaces the token of the joined channel. */
  int renewToken(String token);

  /** Stops receiving remote audio (first step of the teardown). */
  int unsubscribeAllAudio();

  /** Starts leaving the channel; {@link AgoraEvents#disconnected} follows. */
  int disconnect();

  /** Frees the connection and its native threads; nothing may be called afterwards. */
  void destroy();
}
