package io.rtc2sip.rtc;

import com.typesafe.config.Config;
import io.rtc2sip.actors.rtc.RtcLegs;
import io.rtc2sip.agora.AgoraConnectionFactory;
import io.rtc2sip.agora.AgoraRtcLegs;
import io.rtc2sip.agora.AgoraSettings;
import io.rtc2sip.rtc.loopback.LoopbackRtcNetwork;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * Picks the node's RTC network: Agora when {@code rtc2sip.rtc.agora.app-id} is set (the binding
 * must be on the class path), otherwise the loopback network.
 */
public final class RtcNetworks {
  /** The SDK connection factory, compiled only with the Maven profile {@code agora}. */
  static final String AGORA_BINDING = "io.rtc2sip.agora.sdk.AgoraSdkConnections";

  private RtcNetworks() {}

  /** The started network; it is also {@link AutoCloseable}. */
  public static RtcLegs start(Config config) throws IOException {
    String appId = config.getString("rtc2sip.rtc.agora.app-id").trim();
    if (!appId.isEmpty()) {
      return startAgora(config, AGORA_BINDING);
    }
    Config c = config.getConfig("rtc2sip.rtc.loopback");
    return LoopbackRtcNetwork.start(c.getString("host"), c.getInt("port"),
        c.getDuration("peer-timeout"));
  }

  /** Agora's network through the SDK factory class {@code binding} (loaded by name). */
  static AgoraRtcLegs startAgora(Config config, String binding) {
    Class<?> type;
    try {
      type = Class.forName(binding);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("RTC2SIP_AGORA_APP_ID is set but this build has no Agora"
          + " binding: install the Agora server SDK jar and build with -Pagora (docs/rtc.md),"
          + " or unset RTC2SIP_AGORA_APP_ID to use the loopback RTC network");
    }
    return AgoraRtcLegs.start(AgoraSettings.from(config), settings -> instantiate(type, settings));
  }

  private static AgoraConnectionFactory instantiate(Class<?> type, AgoraSettings settings) {
    try {
      return type.asSubclass(AgoraConnectionFactory.class)
          .getConstructor(AgoraSettings.class).newInstance(settings);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LinkageError) {
        throw new IllegalStateException("the Agora server SDK could not be loaded (" + cause
            + "): put the SDK jar on the class path and the directory of its native libraries"
            + " (libagora_rtc_sdk.so, libbinding.so) on LD_LIBRARY_PATH (docs/rtc.md)", cause);
      }
      throw new IllegalStateException("the Agora server SDK did not start: " + cause.getMessage(),
          cause);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("the Agora binding " + type.getName() + " cannot be used: "
          + e, e);
    }
  }
}
