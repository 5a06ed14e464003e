package io.rtc2sip.actors.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Normalised targets and the plans read from configuration. */
class DialPlansTest {

  @Test
  void targetsAreNormalisedToOneSpelling() {
    assertEquals("+4930123456@gw.example", DialTarget.of("+4930123456", "gw.example").toString());
    assertEquals("+19005550100@gw.example",
        DialTarget.of("+1 (900) 555-0100", "gw.example").toString());
    assertEquals("+4930123456@pbx.example",
        DialTarget.of("sip:+4930123456@PBX.example:5070;transport=tcp", "gw").toString());
    assertEquals("+4930123456@pbx.example",
        DialTarget.of("Bob <sips:%2B4930123456;user=phone@pbx.example?X-H=1>;tag=x", "gw")
            .toString());
    assertEquals("bob@[::1]", DialTarget.of("sip:bob:secret@[::1]:5060", "gw").toString());
    assertEquals("19005550100@attacker.example",
        DialTarget.of("sip:1900%35550100@attacker.example", "gw").toString());
  }

  @Test
  void defaultsAllowEverythingWithoutLimits() {
    DialPlans plans = DialPlans.fromConfig(ConfigFactory.load(), "gw.example");
    DialPlan plan = plans.forUser("anyone");
    assertTrue(plans.allows("anyone", "sip:x@anywhere.example"));
    assertEquals(0, plan.maxConcurrentCalls());
    assertEquals(0, plan.callsPerMinute());
  }

  @Test
  void usersAndGroupsOverrideTheDefaultPartly() {
    DialPlans plans = DialPlans.fromConfig(ConfigFactory.parseString("""
        rtc2sip.dial-plan {
          default {
            allow = "\\\\+?[0-9]{3,15}@{sip-domain}"
            deny = ["\\\\+?1900.*@.*"]
            max-concurrent-calls = 2
            calls-per-minute = 5
          }
          groups = [ { uids = "agent-.*", max-concurrent-calls = 8 } ]
          users { "ops.admin" { allow = [".*"], deny = [], calls-per-minute = 60 } }
        }
        """).withFallback(ConfigFactory.load()), "gw.example");
    assertTrue(plans.allows("alice", "+4930123456"));
    assertTrue(plans.allows("alice", "sip:+49 30 123456@GW.example"));
    assertFalse(plans.allows("alice", "sip:+4930123456@attacker.example"));
    assertFalse(plans.allows("alice", "sip:+4930123456@gwXexample"));
    assertFalse(plans.allows("alice", "+1 900 5550100"));
    assertFalse(plans.allows("alice", "sip:%2B19005550100@gw.example"));
    assertEquals(2, plans.forUser("alice").maxConcurrentCalls());
    assertEquals(8, plans.forUser("agent-7").maxConcurrentCalls());
    assertEquals(5, plans.forUser("agent-7").callsPerMinute());
    assertFalse(plans.allows("agent-7", "sip:x@attacker.example"));
    assertTrue(plans.allows("ops.admin", "sip:x@attacker.example"));
    assertEquals(60, plans.forUser("ops.admin").callsPerMinute());
    assertEquals(2, plans.forUser("ops.admin").maxConcurrentCalls());
  }

  /**
   * The plan the Kubernetes base ships (environment variables in k8s/base/kustomization.yaml),
   * read as the node reads them: what docs/security.md says it allows and refuses.
   */
  @Test
  void theKubernetesPlanAllowsNumbersAtTheSipDomainOnly() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    for (String line : java.nio.file.Files.readAllLines(
        java.nio.file.Path.of("..", "k8s", "base", "kustomization.yaml"))) {
      String l = line.strip().replaceFirst("^- ", "").replaceAll("^'|'$", "");
      if (l.startsWith("RTC2SIP_DIAL_PLAN_")) {
        env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
      }
    }
    assertEquals(5, env.size(), env.toString());
    var config = ConfigFactory.parseString("""
        rtc2sip.dial-plan.default {
          allow = ${RTC2SIP_DIAL_PLAN_ALLOW}
          deny = ${RTC2SIP_DIAL_PLAN_DENY}
          max-concurrent-calls = ${RTC2SIP_DIAL_PLAN_MAX_CONCURRENT_CALLS}
          calls-per-minute = ${RTC2SIP_DIAL_PLAN_CALLS_PER_MINUTE}
          conference-parties = ${RTC2SIP_DIAL_PLAN_CONFERENCE_PARTIES}
        }
        """).resolveWith(ConfigFactory.parseMap(env)).withFallback(ConfigFactory.load());
    DialPlans plans = DialPlans.fromConfig(config, "trunk.example.com");
    assertTrue(plans.allows("u", "+4930123456"));
    assertTrue(plans.allows("u", "030 123456"));
    assertTrue(plans.allows("u", "sip:+4930123456@trunk.example.com"));
    assertFalse(plans.allows("u", "sip:+4930123456@attacker.example"));
    assertFalse(plans.allows("u", "sip:alice@trunk.example.com"));
    assertFalse(plans.allows("u", "+88213001234"));
    assertFalse(plans.allows("u", "0088213001234"));
    assertEquals(4, plans.forUser("u").maxConcurrentCalls());
    assertEquals(10, plans.forUser("u").callsPerMinute());
    assertEquals(2, plans.forUser("u").conferenceParties());
  }

  @Test
  void conferencePartiesAreSixByDefaultAndBounded() {
    DialPlans plans = DialPlans.fromConfig(ConfigFactory.parseString(
        "rtc2sip.dial-plan.users.\"solo\".conference-parties = 0")
        .withFallback(ConfigFactory.load()), "gw");
    assertEquals(DialPlan.MAX_CONFERENCE_PARTIES, plans.forUser("u").conferenceParties());
    assertFalse(plans.forUser("solo").conferenceAllowed(0));
    assertTrue(plans.forUser("u").conferenceAllowed(5));
    assertFalse(plans.forUser("u").conferenceAllowed(6));
    var e = assertThrows(IllegalArgumentException.class, () -> DialPlans.fromConfig(
        ConfigFactory.parseString("rtc2sip.dial-plan.default.conference-parties = 7")
            .withFallback(ConfigFactory.load()), "gw"));
    assertTrue(e.getMessage().contains("rtc2sip.dial-plan.default.conference-parties"),
        e.getMessage());
  }

  @Test
  void aBadPatternIsNamedAtStart() {
    var e = assertThrows(IllegalArgumentException.class, () -> DialPlans.fromConfig(
        ConfigFactory.parseString("rtc2sip.dial-plan.default.allow = \"[0-9\"")
            .withFallback(ConfigFactory.load()), "gw"));
    assertTrue(e.getMessage().contains("rtc2sip.dial-plan.default.allow"), e.getMessage());
  }
}
