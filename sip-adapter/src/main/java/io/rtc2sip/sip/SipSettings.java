package io.rtc2sip.sip;

import com.typesafe.config.Config;
import java.util.List;

/**
 * Settings of the SIP adapter ({@code rtc2sip.sip}).
 *
 * @param host address the stack listens on and puts into Via and Contact
 * @param port SIP port (UDP and TCP)
 * @param transports transports to listen on ("udp", "tcp")
 * @param outboundProxy SIP URI every outbound call is routed through, or empty
 * @param authUser digest user for challenges to our requests, or empty
 * @param authPassword digest password
 * @param userAgent product name in User-Agent and Server
 */
public record SipSettings(
    String host,
    int port,
    List<String> transports,
    String outboundProxy,
    String authUser,
    String authPassword,
    String userAgent) {

  public SipSettings {
    transports = List.copyOf(transports);
    if (transports.isEmpty()) {
      throw new IllegalArgumentException("rtc2sip.sip.transports must name at least one transport");
    }
    for (String t : transports) {
      if (!t.equals("udp") && !t.equals("tcp")) {
        throw new IllegalArgumentException("rtc2sip.sip.transports: unknown transport " + t);
      }
    }
  }

  public static SipSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.sip");
    return new SipSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getStringList("transports"),
        c.getString("outbound-proxy").trim(),
        c.getString("auth.username"),
        c.getString("auth.password"),
        c.getString("user-agent"));
  }
}
