package io.rtc2sip.actors.dialplan;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What one user may dial: destinations ({@code allow} and {@code deny}, Java regular expressions
 * matched against the whole normalised {@link DialTarget}, {@code user@host}; deny wins), how many
 * calls it may have at once and how many it may start in any 60 seconds (0: no limit), and how
 * many parties it may add to one call with {@code conference} (0: none; at most {@link
 * #MAX_CONFERENCE_PARTIES}). Parties are legs on the trunk the call limits do not count.
 */
public record DialPlan(List<Pattern> allow, List<Pattern> deny, int maxConcurrentCalls,
    int callsPerMinute, int conferenceParties) {

  /** The most parties a call can add: 8 in a conference, less the user and the call's own. */
  public static final int MAX_CONFERENCE_PARTIES = 6;

  /** Refusal code: the destination is not in the user's dial plan. */
  public static final String FORBIDDEN_DESTINATION = "forbidden-destination";
  /** Refusal code: the user has {@code max-concurrent-calls} calls going on. */
  public static final String TOO_MANY_CALLS = "too-many-calls";
  /** Refusal code: the user started {@code calls-per-minute} calls in the last 60 seconds. */
  public static final String CALL_RATE_EXCEEDED = "call-rate-exceeded";

  /** Any destination, no limits. */
  public static final DialPlan OPEN = new DialPlan(List.of(Pattern.compile(".*")), List.of(), 0, 0);

  public DialPlan {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    if (maxConcurrentCalls < 0 || callsPerMinute < 0) {
      throw new IllegalArgumentException("dial plan limits must be 0 (none) or positive");
    }
    if (conferenceParties < 0 || conferenceParties > MAX_CONFERENCE_PARTIES) {
      throw new IllegalArgumentException("conference-parties must be 0 (none) to "
          + MAX_CONFERENCE_PARTIES);
    }
  }

  /** A plan whose users may add as many conference parties as a call holds. */
  public DialPlan(List<Pattern> allow, List<Pattern> deny, int maxConcurrentCalls,
      int callsPerMinute) {
    this(allow, deny, maxConcurrentCalls, callsPerMinute, MAX_CONFERENCE_PARTIES);
  }

  /** Whether a call that has added {@code added} parties (joined or invited) may add one more. */
  public boolean conferenceAllowed(int added) {
    return added < conferenceParties;
  }

  /** Whether {@code target} may be dialled. */
  public boolean allows(DialTarget target) {
    String t = target.toString();
    return allow.stream().anyMatch(p -> p.matcher(t).matches())
        && deny.stream().noneMatch(p -> p.matcher(t).matches());
  }

  /** Whether a user with {@code live} calls may have one more (0 = unlimited). */
  public boolean concurrentAllowed(int live) {
    return maxConcurrentCalls == 0 || live < maxConcurrentCalls;
  }

  /** Whether a user who started {@code startedInLastMinute} calls may start one more. */
  public boolean rateAllowed(int startedInLastMinute) {
    return callsPerMinute == 0 || startedInLastMinute < callsPerMinute;
  }
}
