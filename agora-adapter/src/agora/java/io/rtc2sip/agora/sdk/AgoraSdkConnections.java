package io.rtc2sip.agora.sdk;

import io.agora.rtc.AgoraRtcConn;
import io.agora.rtc.AgoraService;
import io.agora.rtc.AgoraServiceConfig;
import io.agora.rtc.Constants;
import io.agora.rtc.RtcConnConfig;
import io.agora.rtc.RtcConnPublishConfig;
import io.rtc2sip.agora.AgoraConnection;
import io.rtc2sip.agora.AgoraConnectionFactory;
import io.rtc2sip.agora.AgoraEvents;
import io.rtc2sip.agora.AgoraSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agora's Linux server SDK (4.4.32.100 and later: PCM is pushed on the connection): the node's
 * one {@code AgoraService} and a connection per call. Loaded by name from
 * {@code io.rtc2sip.agora.AgoraBinding}; built only with the Maven profile {@code agora}.
 */
public final class AgoraSdkConnections implements AgoraConnectionFactory {
  private static final Logger log = LoggerFactory.getLogger(AgoraSdkConnections.class);
  /** Interop with ordinary (non-AI) Web and native clients; the same on service and publish. */
  private static final int AUDIO_SCENARIO = Constants.AUDIO_SCENARIO_CHORUS;
  private static final int LOG_FILE_KB = 10 * 1024;

  private final AgoraService service;

  /** Initializes the SDK; needs its native libraries on LD_LIBRARY_PATH. */
  public AgoraSdkConnections(AgoraSettings settings) {
    Path logDir = Path.of(settings.logDir());
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Agora log directory " + logDir, e);
    }
    AgoraServiceConfig config = new AgoraServiceConfig();
    config.setAppId(settings.appId());
    config.setEnableAudioProcessor(1);
    config.setEnableAudioDevice(0);
    config.setEnableVideo(0);
    config.setUseStringUid(settings.stringUids() ? 1 : 0);
    config.setAudioScenario(AUDIO_SCENARIO);
    config.setLogFilePath(logDir.resolve("agorasdk.log").toString());
    config.setLogFileSize(LOG_FILE_KB);
    config.setLogFilters(Constants.LOG_FILTER_INFO);
    AgoraService s = new AgoraService();
    int rc = s.initialize(config);
    if (rc != 0) {
      s.destroy();
      throw new IllegalStateException("AgoraService.initialize returned " + rc);
    }
    this.service = s;
    log.info("Agora server SDK {} initialized; its log is in {}", AgoraService.getSdkVersion(),
        logDir.toAbsolutePath());
  }

  @Override
  public AgoraConnection create(String callId, AgoraEvents events) {
    RtcConnConfig connConfig = new RtcConnConfig();
    connConfig.setClientRoleType(Constants.CLIENT_ROLE_BROADCASTER);
    connConfig.setChannelProfile(Constants.CHANNEL_PROFILE_LIVE_BROADCASTING);
    connConfig.setAutoSubscribeAudio(0);
    connConfig.setAutoSubscribeVideo(0);

    RtcConnPublishConfig publish = new RtcConnPublishConfig();
    publish.setAudioScenario(AUDIO_SCENARIO);
    publish.setAudioProfile(Constants.AUDIO_PROFILE_DEFAULT);
    publish.setIsPublishAudio(true);
    publish.setAudioPublishType(Constants.AudioPublishType.PCM);
    publish.setIsPublishVideo(false);
    publish.setVideoPublishType(Constants.VideoPublishType.NO_PUBLISH);

    AgoraRtcConn conn = service.agoraRtcConnCreate(connConfig, publish);
    if (conn == null) {
      throw new IllegalStateException("AgoraService.agoraRtcConnCreate returned null");
    }
    return SdkConnection.open(conn, callId, events);
  }

  @Override
  public void close() {
    service.destroy();
  }
}
