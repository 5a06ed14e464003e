package io.rtc2sip.webrtc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Settings of browser legs ({@code rtc2sip.webrtc}, plus the host of {@code rtc2sip.media}).
 *
 * @param host address the leg sockets bind to and the first candidate
 * @param announcedAddress a second candidate (public address of a 1:1 NAT), or empty
 * @param portMin first UDP port of the legs
 * @param portMax last UDP port of the legs
 * @param connectTimeout ICE and DTLS complete within this after the answer
 * @param peerTimeout silence from a connected browser that means it is gone
 * @param codecs codecs the answer may choose, best first
 * @param opusComplexity Opus encoder complexity, 0-10
 * @param opusBitrate Opus bits per second sent
 * @param dtlsThreads threads running DTLS handshakes
 */
public record WebRtcSettings(
    String host,
    String announcedAddress,
    int portMin,
    int portMax,
    Duration connectTimeout,
    Duration peerTimeout,
    List<Codec> codecs,
    int opusComplexity,
    int opusBitrate,
    int dtlsThreads) {

  /** Codecs a browser leg speaks. */
  public enum Codec {
    OPUS("opus", 48000, 2),
    PCMU("PCMU", 8000, 1),
    PCMA("PCMA", 8000, 1);

    final String sdpName;
    final int clockRate;
    final int channels;

    Codec(String sdpName, int clockRate, int channels) {
      this.sdpName = sdpName;
      this.clockRate = clockRate;
      this.channels = channels;
    }
  }

  public WebRtcSettings {
    if (portMin < 1024 || portMax > 65535 || portMax < portMin) {
      throw new IllegalArgumentException("rtc2sip.webrtc port range must lie in 1024-65535 with"
          + " min <= max: " + portMin + "-" + portMax);
    }
    if (codecs.isEmpty()) {
      throw new IllegalArgumentException("rtc2sip.webrtc.codecs names no codec");
    }
    if (opusComplexity < 0 || opusComplexity > 10) {
      throw new IllegalArgumentException("rtc2sip.webrtc.opus.complexity must be 0-10");
    }
    if (opusBitrate < 6000 || opusBitrate > 510000) {
      throw new IllegalArgumentException("rtc2sip.webrtc.opus.bitrate must be 6000-510000");
    }
    if (connectTimeout.isZero() || connectTimeout.isNegative() || peerTimeout.isZero()
        || peerTimeout.isNegative()) {
      throw new IllegalArgumentException("rtc2sip.webrtc timeouts must be positive");
    }
    if (dtlsThreads < 1) {
      throw new IllegalArgumentException("rtc2sip.webrtc.dtls-threads must be at least 1");
    }
    codecs = List.copyOf(codecs);
  }

  public static WebRtcSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.webrtc");
    return new WebRtcSettings(
        config.getString("rtc2sip.media.host"),
        c.getString("announced-address").trim(),
        c.getInt("port-min"),
        c.getInt("port-max"),
        c.getDuration("connect-timeout"),
        c.getDuration("peer-timeout"),
        codecNames(c).stream().map(WebRtcSettings::codec).toList(),
        c.getInt("opus.complexity"),
        c.getInt("opus.bitrate"),
        c.getInt("dtls-threads"));
  }

  /** A list in HOCON, or a comma-separated string (from the environment). */
  private static List<String> codecNames(Config c) {
    if (c.getValue("codecs").valueType() == ConfigValueType.STRING) {
      return List.of(c.getString("codecs").split(","));
    }
    return c.getStringList("codecs");
  }

  private static Codec codec(String name) {
    try {
      return Codec.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rtc2sip.webrtc.codecs: unknown codec '" + name
          + "' (opus, pcmu, pcma)");
    }
  }

}
