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

  @Test
  void aBadPatternIsNamedAtStart() {
    var e = assertThrows(IllegalArgumentException.class, () -> DialPlans.fromConfig(
        ConfigFactory.parseString("rtc2sip.dial-plan.default.allow = \"[0-9\"")
            .withFallback(ConfigFactory.load()), "gw"));
    assertTrue(e.getMessage().contains("rtc2sip.dial-plan.default.allow"), e.getMessage());
  }
}
