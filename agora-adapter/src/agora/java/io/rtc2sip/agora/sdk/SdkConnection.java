package io.rtc2sip.agora.sdk;

import io.agora.rtc.AgoraLocalUser;
import io.agora.rtc.AgoraRtcConn;
import io.agora.rtc.AudioFrame;
import io.agora.rtc.IAudioFrameObserver;
import io.agora.rtc.IRtcConnObserver;
import io.agora.rtc.RtcConnInfo;
import io.agora.rtc.VadProcessResult;
import io.agora.rtc.utils.Utils;
import io.rtc2sip.agora.AgoraConnection;
import io.rtc2sip.agora.AgoraEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One {@link AgoraRtcConn} behind the {@link AgoraConnection} facade, and its observers, which
 * only translate SDK callbacks into {@link AgoraEvents} (audio copied out of the SDK's direct
 * buffer inside the callback, as the SDK requires).
 */
final class SdkConnection implements AgoraConnection {
  private static final Logger log = LoggerFactory.getLogger(SdkConnection.class);
  /** Remote audio is delivered as the media bridge uses it: 48 kHz mono. */
  private static final int RECEIVE_RATE = 48_000;
  private static final int RECEIVE_CHANNELS = 1;
  /** The gateway's MDC key for the call id. */
  private static final String CALL_ID = "callId";

  private final AgoraRtcConn conn;

  private SdkConnection(AgoraRtcConn conn) {
    this.conn = conn;
  }

  /** Registers the observers of {@code conn} (call {@code callId}), reporting to {@code events}. */
  static SdkConnection open(AgoraRtcConn conn, String callId, AgoraEvents events) {
    try {
      check("registerObserver", conn.registerObserver(new ConnObserver(callId, events)));
      check("setPlaybackAudioFrameBeforeMixingParameters", conn.getLocalUser()
          .setPlaybackAudioFrameBeforeMixingParameters(RECEIVE_CHANNELS, RECEIVE_RATE));
      check("registerAudioFrameObserver",
          conn.registerAudioFrameObserver(new FrameObserver(callId, events), false, null));
      return new SdkConnection(conn);
    } catch (RuntimeException e) {
      conn.destroy();
      throw e;
    }
  }

  @Override
  public int subscribeAudio(String uid) {
    return conn.getLocalUser().subscribeAudio(uid);
  }

  @Override
  public int connect(String token, String channel, String uid) {
    return conn.connect(token, channel, uid);
  }

  @Override
  public int publishAudio() {
    return conn.publishAudio();
  }

  @Override
  public int pushPcm(byte[] pcm, int sampleRate, int channels) {
    return conn.pushAudioPcmData(pcm, sampleRate, channels);
  }

  @Override
  public int renewToken(String token) {
    return conn.renewToken(token);
  }

  @Override
  public int unsubscribeAllAudio() {
    return conn.getLocalUser().unsubscribeAllAudio();
  }

  @Override
  public int disconnect() {
    return conn.disconnect();
  }

  @Override
  public void destroy() {
    conn.destroy();
  }

  private static void check(String what, int rc) {
    if (rc != 0) {
      throw new IllegalStateException(what + " returned " + rc);
    }
  }

  /** Nothing may escape into the SDK's native thread (shared by all calls). */
  private static void report(String callId, Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      MDC.put(CALL_ID, callId);
      log.error("handling an Agora event failed", e);
      MDC.remove(CALL_ID);
    }
  }

  private static final class ConnObserver implements IRtcConnObserver {
    private final String callId;
    private final AgoraEvents events;

    ConnObserver(String callId, AgoraEvents events) {
      this.callId = callId;
      this.events = events;
    }

    @Override
    public void onConnected(AgoraRtcConn conn, RtcConnInfo info, int reason) {
      report(callId, () -> events.connected(reason));
    }

    @Override
    public void onDisconnected(AgoraRtcConn conn, RtcConnInfo info, int reason) {
      report(callId, () -> events.disconnected(reason));
    }

    @Override
    public void onConnecting(AgoraRtcConn conn, RtcConnInfo info, int reason) {
      report(callId, () -> events.connecting(reason));
    }

    @Override
    public void onReconnecting(AgoraRtcConn conn, RtcConnInfo info, int reason) {
      report(callId, () -> events.reconnecting(reason));
    }

    @Override
    public void onConnectionLost(AgoraRtcConn conn, RtcConnInfo info) {
      report(callId, events::connectionLost);
    }

    @Override
    public void onConnectionFailure(AgoraRtcConn conn, RtcConnInfo info, int reason) {
      report(callId, () -> events.connectionFailed(reason));
    }

    @Override
    public void onUserJoined(AgoraRtcConn conn, String userId) {
      report(callId, () -> events.userJoined(userId));
    }

    @Override
    public void onUserLeft(AgoraRtcConn conn, String userId, int reason) {
      report(callId, () -> events.userLeft(userId, reason));
    }

    @Override
    public void onTokenPrivilegeWillExpire(AgoraRtcConn conn, String token) {
      report(callId, events::tokenWillExpire);
    }

    @Override
    public void onTokenPrivilegeDidExpire(AgoraRtcConn conn) {
      report(callId, events::tokenDidExpire);
    }
  }

  private static final class FrameObserver implements IAudioFrameObserver {
    private final String callId;
    private final AgoraEvents events;

    FrameObserver(String callId, AgoraEvents events) {
      this.callId = callId;
      this.events = events;
    }

    @Override
    public int onPlaybackAudioFrameBeforeMixing(AgoraLocalUser user, String channelId,
        String userId, AudioFrame frame, VadProcessResult vad) {
      if (frame == null) {
        return 0;
      }
      // the buffer is a direct buffer valid only during this call: copy it now
      byte[] pcm = Utils.getBytes(frame.getBuffer());
      int rate = frame.getSamplesPerSec();
      int channels = frame.getChannels();
      if (pcm != null) {
        report(callId, () -> events.audioFrame(userId, pcm, rate, channels));
      }
      return 1;
    }
  }
}
