package io.rtc2sip.agora;

/**
 * Creates SDK connections, one per joined channel, and owns what they share (the SDK's
 * {@code AgoraService}). The real one is {@code io.rtc2sip.agora.sdk.AgoraSdkConnections}, built
 * only with the Maven profile {@code agora} (docs/rtc.md).
 */
public interface AgoraConnectionFactory extends AutoCloseable {

  /**
   * A new connection for call {@code callId} whose SDK observers report to {@code events}, set
   * up to receive remote audio as 48 kHz mono and to publish PCM. Called on a leg's own thread.
   *
   * @throws IllegalStateException when the SDK refuses to create it
   */
  AgoraConnection create(String callId, AgoraEvents events);

  /** Releases the shared SDK state; every connection has been destroyed before. */
  @Override
  void close();
}
