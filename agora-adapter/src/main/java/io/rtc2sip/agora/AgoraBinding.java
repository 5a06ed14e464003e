package io.rtc2sip.agora;

import com.typesafe.config.Config;
import java.lang.reflect.InvocationTargetException;

/**
 * Starts Agora's network on the SDK binding, which is loaded by name: the class that implements
 * {@link AgoraConnectionFactory} with the SDK is compiled only with the Maven profile
 * {@code agora}, so a default build has none and says so.
 */
public final class AgoraBinding {
  /** The SDK connection factory, compiled only with the Maven profile {@code agora}. */
  static final String SDK_CONNECTIONS = "io.rtc2sip.agora.sdk.AgoraSdkConnections";

  private AgoraBinding() {}

  /** Agora's network on the SDK binding, with the settings of {@code rtc2sip.rtc.agora}. */
  public static AgoraRtcLegs start(Config config) {
    return start(config, SDK_CONNECTIONS);
  }

  /** Agora's network through the SDK factory class {@code binding} (loaded by name). */
  static AgoraRtcLegs start(Config config, String binding) {
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
