package io.rtc2sip.sip;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * @param registrar SIP URI our users register at, or empty
 * @param registerExpires the binding lifetime asked for, in seconds
 * @param accounts SIP accounts of RTC users (uid to digest user and password)
 * @param sessionExpires the session interval our INVITEs ask for (RFC 4028), seconds; 0: none
 * @param maxPendingInvites INVITEs awaiting our final response on this node (ringing, parked
 *     or still being routed) beyond which new INVITEs are answered 503; 0: no limit
 * @param overloadRetryAfter the Retry-After of that 503, in seconds
 * @param tls SIP over TLS ({@link SipTls#OFF}: none)
 * @param srtp whether the SIP leg's media is SRTP with SDES keys ({@code srtp.policy})
 */
public record SipSettings(
    String host,
    int port,
    List<String> transports,
    String outboundProxy,
    String authUser,
    String authPassword,
    String userAgent,
    String registrar,
    int registerExpires,
    Map<String, Account> accounts,
    int sessionExpires,
    int maxPendingInvites,
    int overloadRetryAfter,
    SipTls tls,
    SrtpPolicy srtp) {

  /** The SIP account of an RTC user at the registrar. */
  public record Account(String username, String password) {}

  /** Settings without SIP over TLS, with the default SRTP policy ({@link SrtpPolicy#OPTIONAL}). */
  public SipSettings(String host, int port, List<String> transports, String outboundProxy,
      String authUser, String authPassword, String userAgent, String registrar,
      int registerExpires, Map<String, Account> accounts, int sessionExpires,
      int maxPendingInvites, int overloadRetryAfter) {
    this(host, port, transports, outboundProxy, authUser, authPassword, userAgent, registrar,
        registerExpires, accounts, sessionExpires, maxPendingInvites, overloadRetryAfter,
        SipTls.OFF, SrtpPolicy.OPTIONAL);
  }

  /** The same settings with SRTP policy {@code policy}. */
  public SipSettings withSrtp(SrtpPolicy policy) {
    return new SipSettings(host, port, transports, outboundProxy, authUser, authPassword,
        userAgent, registrar, registerExpires, accounts, sessionExpires, maxPendingInvites,
        overloadRetryAfter, tls, policy);
  }

  /** Settings without registrar or accounts (tests, trunk-only nodes). */
  public static SipSettings of(String host, int port, String outboundProxy, String authUser,
      String authPassword) {
    return new SipSettings(host, port, List.of("udp", "tcp"), outboundProxy, authUser,
        authPassword, "rtc2sip", "", 300, Map.of(), 1800, 0, 5);
  }

  public SipSettings {
    accounts = Map.copyOf(accounts);
    if (srtp == null) {
      throw new IllegalArgumentException("rtc2sip.sip.srtp.policy is required");
    }
    if (registerExpires < 30) {
      throw new IllegalArgumentException("rtc2sip.sip.register-expires must be at least 30 s");
    }
    if (sessionExpires != 0 && sessionExpires < SessionTimers.MIN_SE) {
      throw new IllegalArgumentException("rtc2sip.sip.session-expires must be 0 (off) or at least "
          + SessionTimers.MIN_SE + " s");
    }
    if (maxPendingInvites < 0 || overloadRetryAfter < 0) {
      throw new IllegalArgumentException("rtc2sip.sip.overload: max-pending-invites and"
          + " retry-after must not be negative");
    }
    java.util.Objects.requireNonNull(tls, "tls");
    if (tls.enabled() && tls.port() == port) {
      throw new IllegalArgumentException("rtc2sip.sip.tls.port must differ from rtc2sip.sip.port"
          + " (" + port + "): UDP and TCP listen there");
    }
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
        c.getString("user-agent"),
        c.getString("registrar").trim(),
        c.getInt("register-expires"),
        accounts(c.getConfig("accounts")),
        (int) c.getDuration("session-expires").toSeconds(),
        c.getInt("overload.max-pending-invites"),
        (int) c.getDuration("overload.retry-after").toSeconds(),
        SipTls.fromConfig(c),
        SrtpPolicy.of(c.getString("srtp.policy")));
  }

  /** These settings with SIP over TLS as {@code tls} says. */
  public SipSettings withTls(SipTls tls) {
    return new SipSettings(host, port, transports, outboundProxy, authUser, authPassword,
        userAgent, registrar, registerExpires, accounts, sessionExpires, maxPendingInvites,
        overloadRetryAfter, tls, srtp);
  }

  /** The port we listen on for {@code transport} ("udp", "tcp", "tls"). */
  public int portFor(String transport) {
    return "tls".equalsIgnoreCase(transport) ? tls.port() : port;
  }

  private static Map<String, Account> accounts(Config accounts) {
    Map<String, Account> out = new HashMap<>();
    for (String uid : accounts.root().keySet()) {
      Config a = accounts.getConfig(ConfigUtil.quoteString(uid));
      out.put(uid, new Account(a.hasPath("username") ? a.getString("username") : uid,
          a.getString("password")));
    }
    return out;
  }
}
