package io.rtc2sip.sip.access;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the SIP access policy ({@code rtc2sip.sip.access}) and of which challenges to
 * our own requests get the trunk's credentials ({@code rtc2sip.sip.auth.hosts / realm},
 * {@code rtc2sip.sip.registrar-realm}).
 *
 * @param trusted networks whose INVITEs are taken without authentication, and which are never
 *     rate-limited or banned (a spoofed datagram must not get the PBX banned)
 * @param untrusted what an initial INVITE from elsewhere gets: a digest challenge, or 403
 * @param realm the realm of our challenges
 * @param accounts digest user names and passwords of untrusted callers
 * @param nonceLifetime how long a nonce of ours is good for
 * @param nonceSecret the key nonces are signed with (the same on every node lets any node
 *     check any node's nonce); empty: random per node
 * @param requestsPerSecond the average rate of SIP messages an untrusted source may send
 * @param burst how many it may send at once
 * @param banTime how long a source over its rate, or a scanner, is dropped
 * @param maxSources how many sources the rate and ban tables hold at most
 * @param scannerAgents User-Agent substrings of scanners
 * @param scannerForbidden a scanner's request is answered 403 (true) or dropped (false); it is
 *     banned either way
 * @param logInterval how often dropped and malformed input is logged, one line per source
 * @param trunkHosts hosts (host or host:port) our calls' challenges may come from and get the
 *     trunk's credentials, besides the outbound proxy
 * @param trunkRealm the realm those challenges must name; empty: any
 * @param registrarRealm the realm the registrar's challenges must name; empty: any
 */
public record SipAccessSettings(
    List<Cidr> trusted,
    Untrusted untrusted,
    String realm,
    Map<String, String> accounts,
    Duration nonceLifetime,
    String nonceSecret,
    double requestsPerSecond,
    int burst,
    Duration banTime,
    int maxSources,
    List<String> scannerAgents,
    boolean scannerForbidden,
    Duration logInterval,
    List<String> trunkHosts,
    String trunkRealm,
    String registrarRealm) {

  /** What an INVITE from an untrusted source gets. */
  public enum Untrusted { CHALLENGE, REFUSE }

  public static final List<String> DEFAULT_SCANNERS = List.of("friendly-scanner", "sipvicious",
      "sipcli", "vaxsipuseragent", "sip-scan", "sundayddr", "sivus",
      "pplsip", "smap", "sipptk", "cafesip");

  public SipAccessSettings {
    trusted = List.copyOf(trusted);
    accounts = Map.copyOf(accounts);
    scannerAgents = List.copyOf(scannerAgents);
    trunkHosts = List.copyOf(trunkHosts);
    if (untrusted == Untrusted.CHALLENGE && realm.isBlank()) {
      throw new IllegalArgumentException("rtc2sip.sip.access.realm must not be empty");
    }
    if (requestsPerSecond <= 0 || burst < 1 || maxSources < 1) {
      throw new IllegalArgumentException("rtc2sip.sip.access.rate-limit: requests-per-second,"
          + " burst and max-sources must be positive");
    }
  }

  /** The defaults of reference.conf: loopback trusted, everyone else challenged. */
  public static SipAccessSettings defaults() {
    return new SipAccessSettings(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1")),
        Untrusted.CHALLENGE, "rtc2sip", Map.of(), Duration.ofSeconds(60), "", 20, 100,
        Duration.ofMinutes(5), 65536, DEFAULT_SCANNERS, false, Duration.ofSeconds(10),
        List.of(), "", "");
  }

  public SipAccessSettings withTrusted(List<Cidr> networks) {
    return new SipAccessSettings(networks, untrusted, realm, accounts, nonceLifetime,
        nonceSecret, requestsPerSecond, burst, banTime, maxSources, scannerAgents,
        scannerForbidden, logInterval, trunkHosts, trunkRealm, registrarRealm);
  }

  public SipAccessSettings withAccounts(Map<String, String> users) {
    return new SipAccessSettings(trusted, untrusted, realm, users, nonceLifetime,
        nonceSecret, requestsPerSecond, burst, banTime, maxSources, scannerAgents,
        scannerForbidden, logInterval, trunkHosts, trunkRealm, registrarRealm);
  }

  public SipAccessSettings withRateLimit(double perSecond, int maxBurst, Duration ban) {
    return new SipAccessSettings(trusted, untrusted, realm, accounts, nonceLifetime,
        nonceSecret, perSecond, maxBurst, ban, maxSources, scannerAgents,
        scannerForbidden, logInterval, trunkHosts, trunkRealm, registrarRealm);
  }

  public SipAccessSettings withTrunk(List<String> hosts, String realmOfTrunk) {
    return new SipAccessSettings(trusted, untrusted, realm, accounts, nonceLifetime,
        nonceSecret, requestsPerSecond, burst, banTime, maxSources, scannerAgents,
        scannerForbidden, logInterval, hosts, realmOfTrunk, registrarRealm);
  }

  public static SipAccessSettings fromConfig(Config config) {
    Config sip = config.getConfig("rtc2sip.sip");
    Config c = sip.getConfig("access");
    Map<String, String> accounts = new HashMap<>();
    Config a = c.getConfig("accounts");
    for (String user : a.root().keySet()) {
      accounts.put(user, a.getString(ConfigUtil.quoteString(user) + ".password"));
    }
    String envUser = c.getString("account.username").trim();
    if (!envUser.isEmpty()) {
      accounts.put(envUser, c.getString("account.password"));
    }
    String untrusted = c.getString("untrusted").trim().toUpperCase(Locale.ROOT);
    String scannerAction = c.getString("scanners.action").trim().toLowerCase(Locale.ROOT);
    if (!scannerAction.equals("drop") && !scannerAction.equals("forbid")) {
      throw new IllegalArgumentException("rtc2sip.sip.access.scanners.action must be drop or"
          + " forbid, not " + scannerAction);
    }
    Untrusted mode;
    try {
      mode = Untrusted.valueOf(untrusted);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rtc2sip.sip.access.untrusted must be challenge or"
          + " refuse, not " + untrusted.toLowerCase(Locale.ROOT));
    }
    return new SipAccessSettings(
        list(c, "trusted").stream().map(Cidr::parse).toList(),
        mode,
        c.getString("realm"),
        accounts,
        c.getDuration("nonce-lifetime"),
        c.getString("nonce-secret"),
        c.getDouble("rate-limit.requests-per-second"),
        c.getInt("rate-limit.burst"),
        c.getDuration("rate-limit.ban"),
        c.getInt("rate-limit.max-sources"),
        list(c, "scanners.user-agents"),
        scannerAction.equals("forbid"),
        c.getDuration("log-interval"),
        list(sip, "auth.hosts"),
        sip.getString("auth.realm").trim(),
        sip.getString("registrar-realm").trim());
  }

  /** A list, or a comma-separated string (what an environment variable gives). */
  private static List<String> list(Config c, String path) {
    if (c.getValue(path).valueType() == ConfigValueType.STRING) {
      return Arrays.stream(c.getString(path).split(",")).map(String::trim)
          .filter(s -> !s.isEmpty()).toList();
    }
    return c.getStringList(path);
  }
}
