package io.rtc2sip.actors.dialplan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The dial plans of all users, from {@code rtc2sip.dial-plan}: a default, groups of uids by
 * pattern (the first group whose {@code uids} matches the whole uid) and plans for single uids
 * (which win over groups). A group or user sets only what differs from the default.
 */
public final class DialPlans {

  public static final String CONFIG_PATH = "rtc2sip.dial-plan";
  /** In a destination pattern, stands for the gateway's SIP domain (quoted). */
  public static final String SIP_DOMAIN_TOKEN = "{sip-domain}";

  private final DialPlan defaultPlan;
  private final List<Map.Entry<Pattern, DialPlan>> groups;
  private final Map<String, DialPlan> users;
  private final String sipDomain;

  public DialPlans(DialPlan defaultPlan, List<Map.Entry<Pattern, DialPlan>> groups,
      Map<String, DialPlan> users, String sipDomain) {
    this.defaultPlan = defaultPlan;
    this.groups = List.copyOf(groups);
    this.users = Map.copyOf(users);
    this.sipDomain = sipDomain;
  }

  /** One plan for everybody. */
  public static DialPlans of(DialPlan plan, String sipDomain) {
    return new DialPlans(plan, List.of(), Map.of(), sipDomain);
  }

  /** Any destination, no limits: what a node without configuration does. */
  public static DialPlans open(String sipDomain) {
    return of(DialPlan.OPEN, sipDomain);
  }

  /** The plan of {@code uid}. */
  public DialPlan forUser(String uid) {
    DialPlan own = users.get(uid);
    if (own != null) {
      return own;
    }
    for (Map.Entry<Pattern, DialPlan> g : groups) {
      if (g.getKey().matcher(uid).matches()) {
        return g.getValue();
      }
    }
    return defaultPlan;
  }

  /** The target as the dial plan sees it (a bare number gets the SIP domain). */
  public DialTarget normalise(String target) {
    return DialTarget.of(target, sipDomain);
  }

  /** Whether {@code uid} may dial {@code target}. */
  public boolean allows(String uid, String target) {
    return forUser(uid).allows(normalise(target));
  }

  /** Reads {@code rtc2sip.dial-plan}; patterns may name {@code {sip-domain}}. */
  public static DialPlans fromConfig(Config config, String sipDomain) {
    Config c = config.getConfig(CONFIG_PATH);
    Config defaults = c.getConfig("default");
    DialPlan defaultPlan = plan(defaults, sipDomain, "default");
    List<Map.Entry<Pattern, DialPlan>> groups = new ArrayList<>();
    int i = 0;
    for (Config g : c.getConfigList("groups")) {
      String where = "groups[" + i++ + "]";
      groups.add(Map.entry(compile(g.getString("uids"), sipDomain, where),
          plan(g.withFallback(defaults), sipDomain, where)));
    }
    Map<String, DialPlan> users = new LinkedHashMap<>();
    for (String uid : c.getObject("users").keySet()) {
      Config u = c.getConfig("users." + ConfigUtil.quoteString(uid));
      users.put(uid, plan(u.withFallback(defaults), sipDomain, "users." + uid));
    }
    return new DialPlans(defaultPlan, groups, users, sipDomain);
  }

  private static DialPlan plan(Config c, String sipDomain, String where) {
    return new DialPlan(patterns(c, "allow", sipDomain, where),
        patterns(c, "deny", sipDomain, where),
        c.getInt("max-concurrent-calls"), c.getInt("calls-per-minute"),
        conferenceParties(c, where));
  }

  private static int conferenceParties(Config c, String where) {
    int n = c.getInt("conference-parties");
    if (n < 0 || n > DialPlan.MAX_CONFERENCE_PARTIES) {
      throw new IllegalArgumentException("rtc2sip.dial-plan." + where
          + ".conference-parties must be 0 to " + DialPlan.MAX_CONFERENCE_PARTIES + ": " + n);
    }
    return n;
  }

  /** A list of patterns, or one pattern as a string (as an environment variable gives it). */
  private static List<Pattern> patterns(Config c, String key, String sipDomain, String where) {
    List<String> texts = c.getValue(key).valueType() == ConfigValueType.LIST
        ? c.getStringList(key)
        : List.of(c.getString(key));
    List<Pattern> out = new ArrayList<>();
    for (String t : texts) {
      if (!t.isBlank()) {
        out.add(compile(t.strip(), sipDomain, where + "." + key));
      }
    }
    return out;
  }

  private static Pattern compile(String regex, String sipDomain, String where) {
    try {
      return Pattern.compile(regex.replace(SIP_DOMAIN_TOKEN, Pattern.quote(sipDomain)));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          CONFIG_PATH + "." + where + ": not a regular expression: " + regex, e);
    }
  }
}
