package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.rtc2sip.actors.rtc.RtcLegs;
import io.rtc2sip.agora.AgoraBinding;
import io.rtc2sip.rtc.loopback.LoopbackRtcNetwork;
import java.io.IOException;

/**
 * Picks the node's RTC network: Agora when {@code rtc2sip.rtc.agora.app-id} is set (the binding
 * must be on the class path), otherwise the loopback network.
 */
final class RtcNetworks {
  private RtcNetworks() {}

  /** The started network; it is also {@link AutoCloseable}. */
  static RtcLegs start(Config config) throws IOException {
    String appId = config.getString("rtc2sip.rtc.agora.app-id").trim();
    if (!appId.isEmpty()) {
      return AgoraBinding.start(config);
    }
    Config c = config.getConfig("rtc2sip.rtc.loopback");
    return LoopbackRtcNetwork.start(c.getString("host"), c.getInt("port"),
        c.getDuration("peer-timeout"));
  }
}
