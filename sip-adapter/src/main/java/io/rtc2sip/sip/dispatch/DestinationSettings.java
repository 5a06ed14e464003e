package io.rtc2sip.sip.dispatch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.sip.address.SipURI;

/**
 * Destination sets of outbound calls ({@code rtc2sip.sip.destinations}): named sets of SIP
 * servers with weights and priorities, how a set picks a server, which final responses send a
 * call on to the next server, how the servers are probed, and which calls go to which set. Read
 * and checked when the node starts; a wrong setting stops it with a message naming the setting.
 *
 * @param sets the sets by name, in configuration order
 * @param routes which calls go to which set, first match wins
 * @param defaultSet the set of calls no route matches; empty: such calls go to the Request-URI's
 *     host
 */
public record DestinationSettings(Map<String, SetSettings> sets, List<Route> routes,
    String defaultSet) {

  static final String PATH = "rtc2sip.sip.destinations";
  /** The set the outbound proxy becomes when no set is configured. */
  public static final String OUTBOUND_PROXY_SET = "outbound-proxy";

  /**
   * One set.
   *
   * @param failoverCodes final statuses (300-699) after which the call tries the next server
   * @param failoverTimeout an INVITE that got no response at all (not even 100) within this goes
   *     to the next server; zero: only the transaction's own timeout (32 s) does
   */
  public record SetSettings(String name, List<ServerSettings> servers, Algorithm algorithm,
      BitSet failoverCodes, Duration failoverTimeout, ProbeSettings probe) {
    public SetSettings {
      servers = List.copyOf(servers);
      failoverCodes = (BitSet) failoverCodes.clone();
    }

    /** Whether a final response {@code status} sends the call to the next server. */
    public boolean failsOver(int status) {
      return status >= 0 && failoverCodes.get(status);
    }
  }

  /** A server: a SIP URI (host, port, transport) with its weight and priority. */
  public record ServerSettings(String uri, int weight, int priority) {}

  /**
   * OPTIONS probing of a set's servers.
   *
   * @param interval between probes of one server; zero: no probing, every server counts as up
   * @param timeout a probe unanswered this long failed
   * @param expectedCodes statuses that mean alive; empty: any below 500 except 408
   */
  public record ProbeSettings(Duration interval, Duration timeout, int failuresToDown,
      int successesToUp, List<Integer> expectedCodes) {
    public ProbeSettings {
      expectedCodes = List.copyOf(expectedCodes);
    }

    /** No probing (the outbound proxy alone; sets with interval 0s). */
    public static final ProbeSettings OFF = new ProbeSettings(Duration.ZERO, Duration.ZERO, 1, 1,
        List.of());

    public boolean enabled() {
      return !interval.isZero();
    }

    /** Whether a probe answered {@code status} found its server alive. */
    public boolean alive(int status) {
      return expectedCodes.isEmpty() ? status < 500 && status != 408
          : expectedCodes.contains(status);
    }
  }

  /** What a route matches on. */
  public enum Match { PREFIX, PATTERN, UIDS }

  /**
   * Calls that match go to {@code set}: {@code prefix} on the dialled number (the Request-URI's
   * user part), {@code pattern} a regular expression over the whole of {@code number@host},
   * {@code uids} a regular expression over the whole uid of the calling user (as the dial plan's
   * groups).
   */
  public record Route(Match match, String value, Pattern pattern, String set) {
    boolean matches(String user, String host, String callerUid) {
      return switch (match) {
        case PREFIX -> user.startsWith(value);
        case PATTERN -> pattern.matcher(user + "@" + host).matches();
        case UIDS -> pattern.matcher(callerUid).matches();
      };
    }
  }

  public DestinationSettings {
    sets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sets));
    routes = List.copyOf(routes);
  }

  /** No sets, no outbound proxy: every call goes to its Request-URI's host. */
  public static final DestinationSettings NONE = new DestinationSettings(Map.of(), List.of(), "");

  /**
   * Reads {@code rtc2sip.sip.destinations}. Without sets, a non-empty {@code outboundProxy}
   * becomes the one-server set {@value #OUTBOUND_PROXY_SET} (not probed, no failover), the
   * default set; with sets, it is the default set's stand-in only when no default set is named.
   */
  public static DestinationSettings fromConfig(Config config, String outboundProxy) {
    Config c = config.getConfig(PATH);
    Config defaults = c.getConfig("set-defaults");
    Map<String, SetSettings> sets = new LinkedHashMap<>();
    Config setsConfig = c.getConfig("sets");
    for (String name : setsConfig.root().keySet()) {
      String where = PATH + ".sets." + name;
      Config s = setsConfig.getConfig(ConfigUtil.quoteString(name)).withFallback(defaults);
      sets.put(name, set(name, s, where));
    }
    String defaultSet = c.getString("default-set").trim();
    if (!outboundProxy.isBlank() && defaultSet.isEmpty()) {
      String where = "rtc2sip.sip.outbound-proxy";
      checkUri(outboundProxy.trim(), where);
      sets.put(OUTBOUND_PROXY_SET, new SetSettings(OUTBOUND_PROXY_SET,
          List.of(new ServerSettings(outboundProxy.trim(), 1, 0)), Algorithm.PRIORITY,
          new BitSet(), Duration.ZERO, ProbeSettings.OFF));
      defaultSet = OUTBOUND_PROXY_SET;
    }
    List<Route> routes = new ArrayList<>();
    int i = 0;
    for (Config r : c.getConfigList("routes")) {
      routes.add(route(r, PATH + ".routes[" + i++ + "]", sets));
    }
    if (!defaultSet.isEmpty() && !sets.containsKey(defaultSet)) {
      throw new IllegalArgumentException(PATH + ".default-set: no set named \"" + defaultSet
          + "\" in " + PATH + ".sets");
    }
    return new DestinationSettings(sets, routes, defaultSet);
  }

  private static SetSettings set(String name, Config s, String where) {
    List<ServerSettings> servers = new ArrayList<>();
    int i = 0;
    for (Config server : s.getConfigList("servers")) {
      String at = where + ".servers[" + i++ + "]";
      if (!server.hasPath("uri")) {
        throw new IllegalArgumentException(at + ".uri: missing");
      }
      String uri = server.getString("uri").trim();
      checkUri(uri, at + ".uri");
      int weight = server.hasPath("weight") ? server.getInt("weight") : 1;
      if (weight < 0) {
        throw new IllegalArgumentException(at + ".weight: " + weight + " is below 0");
      }
      int priority = server.hasPath("priority") ? server.getInt("priority") : 0;
      if (servers.stream().anyMatch(o -> o.uri().equals(uri))) {
        throw new IllegalArgumentException(at + ".uri: " + uri + " is in the set twice");
      }
      servers.add(new ServerSettings(uri, weight, priority));
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException(where + ".servers: the set has no server");
    }
    if (servers.stream().map(o -> tls(o.uri())).distinct().count() > 1) {
      throw new IllegalArgumentException(where + ".servers: some are reached over TLS (sips: or"
          + " ;transport=tls) and some not: a call failing over would take its offer (with"
          + " its SRTP keys) from TLS to clear; make them all TLS or all not");
    }
    Duration failoverTimeout = s.getDuration("failover-timeout");
    Config p = s.getConfig("probe");
    Duration interval = p.getDuration("interval");
    Duration timeout = p.getDuration("timeout");
    int down = p.getInt("failures-to-down");
    int up = p.getInt("successes-to-up");
    if (interval.isNegative() || timeout.isNegative() || failoverTimeout.isNegative()) {
      throw new IllegalArgumentException(where + ": probe.interval, probe.timeout and"
          + " failover-timeout must not be negative");
    }
    if (!interval.isZero() && (timeout.isZero() || timeout.compareTo(interval) > 0)) {
      throw new IllegalArgumentException(where + ".probe.timeout: " + timeout.toMillis()
          + " ms must be above 0 and at most probe.interval (" + interval.toMillis() + " ms)");
    }
    if (down < 1 || up < 1) {
      throw new IllegalArgumentException(where + ".probe: failures-to-down and successes-to-up"
          + " must be at least 1");
    }
    List<Integer> expected = codes(p, "expected-codes", where + ".probe.expected-codes");
    return new SetSettings(name, servers, Algorithm.of(s.getString("algorithm"),
        where + ".algorithm"), failoverCodes(s, where + ".failover-codes"), failoverTimeout,
        new ProbeSettings(interval, timeout, down, up, expected));
  }

  /** Failover codes: statuses, or classes written "5xx" / "6xx". */
  private static BitSet failoverCodes(Config s, String where) {
    BitSet codes = new BitSet(700);
    for (ConfigValue v : s.getList("failover-codes")) {
      String text = String.valueOf(v.unwrapped()).trim().toLowerCase(java.util.Locale.ROOT);
      if (text.matches("[3-6]xx")) {
        int base = (text.charAt(0) - '0') * 100;
        codes.set(base, base + 100);
      } else {
        codes.set(status(text, where));
      }
    }
    return codes;
  }

  private static List<Integer> codes(Config c, String key, String where) {
    List<Integer> out = new ArrayList<>();
    if (c.getValue(key).valueType() == com.typesafe.config.ConfigValueType.LIST) {
      for (ConfigValue v : c.getList(key)) {
        out.add(status(String.valueOf(v.unwrapped()).trim(), where));
      }
    } else {
      for (String part : c.getString(key).split(",")) {
        if (!part.isBlank()) {
          out.add(status(part.trim(), where));
        }
      }
    }
    return out;
  }

  private static int status(String text, String where) {
    try {
      int code = Integer.parseInt(text);
      if (code >= 100 && code <= 699) {
        return code;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + ": \"" + text + "\" is not a SIP status"
        + " (100-699) or class (5xx)");
  }

  private static Route route(Config r, String where, Map<String, SetSettings> sets) {
    if (!r.hasPath("set")) {
      throw new IllegalArgumentException(where + ".set: missing");
    }
    String set = r.getString("set").trim();
    if (!sets.containsKey(set)) {
      throw new IllegalArgumentException(where + ".set: no set named \"" + set + "\" in "
          + PATH + ".sets");
    }
    List<Match> given = new ArrayList<>();
    for (Match m : Match.values()) {
      if (r.hasPath(key(m))) {
        given.add(m);
      }
    }
    if (given.size() != 1) {
      throw new IllegalArgumentException(where + ": give exactly one of prefix, pattern, uids");
    }
    Match m = given.get(0);
    String value = r.getString(key(m));
    Pattern pattern = null;
    if (m != Match.PREFIX) {
      try {
        pattern = Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(where + "." + key(m) + ": not a regular expression: "
            + e.getDescription());
      }
    }
    return new Route(m, value, pattern, set);
  }

  private static String key(Match m) {
    return m.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static boolean tls(String uri) {
    try {
      return "tls".equals(io.rtc2sip.sip.SipTransport.of(new AddressFactoryImpl().createURI(uri)));
    } catch (java.text.ParseException e) {
      return false; // checked before
    }
  }

  private static void checkUri(String uri, String where) {
    try {
      if (new AddressFactoryImpl().createURI(uri) instanceof SipURI sip
          && sip.getHost() != null && !sip.getHost().isEmpty()) {
        return;
      }
    } catch (Exception e) {
      // reported below
    }
    throw new IllegalArgumentException(where + ": \"" + uri + "\" is not a SIP URI with a host"
        + " (e.g. sip:10.0.0.5:5060;transport=udp)");
  }
}
