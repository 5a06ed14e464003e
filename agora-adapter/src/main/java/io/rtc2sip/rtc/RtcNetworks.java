package io.rtc2sip.rtc;

import com.typesafe.config.Config;
import io.rtc2sip.actors.rtc.RtcLegs;
import io.rtc2sip.rtc.loopback.LoopbackRtcNetwork;
import java.io.IOException;

/**
 * Picks the node's RTC network: Agora when {@code rtc2sip.rtc.agora.app-id} is set (the binding
 * must be on the class path), otherwise the loopback network.
 */
public final class RtcNetworks {
  static final String AGORA_BINDING = "io.rtc2sip.agora.AgoraRtcLegs";

  private RtcNetworks() {}

  /** The started network; it is also {@link AutoCloseable}. */
  public static RtcLegs start(Config config) throws IOException {
    String appId = config.getString("rtc2sip.rtc.agora.app-id").trim();
    if (!appId.isEmpty()) {
      try {
        Class.forName(AGORA_BINDING);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("RTC2SIP_AGORA_APP_ID is set but this build has no Agora"
            + " binding: install the Agora server SDK jar and build with -Pagora (docs/rtc.md),"
            + " or unset RTC2SIP_AGORA_APP_ID to use the loopback RTC network");
      }
      throw new IllegalStateException("the Agora binding is present but not wired in this build");
    }
    Config c = config.getConfig("rtc2sip.rtc.loopback");
    return LoopbackRtcNetwork.start(c.getString("host"), c.getInt("port"),
        c.getDuration("peer-timeout"));
  }
}
