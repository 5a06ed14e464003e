package io.rtc2sip.media;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the media bridge ({@code rtc2sip.media}).
 *
 * @param host address the RTP sockets bind to and that SDP announces
 * @param portMin first port of the RTP range (even)
 * @param portMax last port of the RTP range
 * @param timeout no RTP for this long while media should flow ends the call; zero: off
 * @param rtcpInterval time between RTCP reports
 * @param clockThreads threads of the 10 ms media clock
 * @param symmetricRtp whether a call may latch to a source other than its SDP's address during
 *     the first {@code latchWindow} of a stream (peers behind NAT), see {@link RtpLatch}
 * @param latchWindow how long after media start, or after the SDP named another address, such a
 *     source may latch
 */
public record MediaSettings(
    String host, int portMin, int portMax, Duration timeout, Duration rtcpInterval,
    int clockThreads, boolean symmetricRtp, Duration latchWindow) {

  /** Settings with symmetric latching on and a 2 s window (the defaults). */
  public MediaSettings(String host, int portMin, int portMax, Duration timeout,
      Duration rtcpInterval, int clockThreads) {
    this(host, portMin, portMax, timeout, rtcpInterval, clockThreads, true, Duration.ofSeconds(2));
  }

  public MediaSettings {
    if (portMin < 1024 || portMax > 65534 || portMax <= portMin) {
      throw new IllegalArgumentException(
          "rtc2sip.media port range must lie in 1024-65535 with min < max: " + portMin + "-"
              + portMax);
    }
    if (clockThreads < 1) {
      throw new IllegalArgumentException("rtc2sip.media.clock-threads must be at least 1");
    }
    if (latchWindow.isNegative()) {
      throw new IllegalArgumentException("rtc2sip.media.latch-window must not be negative");
    }
  }

  public static MediaSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.media");
    return new MediaSettings(
        c.getString("host"),
        c.getInt("port-min"),
        c.getInt("port-max"),
        c.getDuration("timeout"),
        c.getDuration("rtcp-interval"),
        c.getInt("clock-threads"),
        c.getBoolean("symmetric-rtp"),
        c.getDuration("latch-window"));
  }
}
