package io.rtc2sip.agora;

/**
 * What the SDK's observers of one connection report. Called on the SDK's own threads: an
 * implementation copies what it needs, hands work to its own thread and returns at once; it
 * never calls the {@link AgoraConnection} from here. Reason codes are the SDK's
 * {@code CONNECTION_CHANGED_REASON_TYPE} (see {@link ConnectionReasons}).
 */
public interface AgoraEvents {

  /** User-left reasons of the SDK's {@code onUserLeft}. */
  int USER_QUIT = 0;
  int USER_DROPPED = 1;
  int USER_BECAME_AUDIENCE = 2;

  /** Joined (or, with reason 15, rejoined after an interruption). */
  void connected(int reason);

  /** Left the channel (after {@link AgoraConnection#disconnect}, or on the SDK's own account). */
  void disconnected(int reason);

  /** Joining. */
  void connecting(int reason);

  /** The link was interrupted; the SDK is rejoining by itself. */
  void reconnecting(int reason);

  /** The link has been down for a while (about 10 s); the SDK keeps trying. */
  void connectionLost();

  /** The connection failed for good; the SDK does not retry. */
  void connectionFailed(int reason);

  void userJoined(String uid);

  void userLeft(String uid, int reason);

  /** The token expires in about 30 s. */
  void tokenWillExpire();

  /** The token has expired. */
  void tokenDidExpire();

  /**
   * Audio of remote user {@code uid}: {@code pcm} is 16-bit little-endian interleaved PCM already
   * copied out of the SDK's buffer (the caller gives up the array).
   */
  void audioFrame(String uid, byte[] pcm, int sampleRate, int channels);
}
