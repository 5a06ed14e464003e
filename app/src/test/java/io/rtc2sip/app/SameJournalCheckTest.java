package io.rtc2sip.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Valid$;
import org.junit.jupiter.api.Test;

class SameJournalCheckTest {
  private final SameJournalCheck check = new SameJournalCheck();
  private final UUID a = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private final UUID b = UUID.fromString("00000000-0000-0000-0000-00000000000b");

  /** What travels in a join request or its answer: the id only. */
  private static Config sent(UUID journal) {
    return ConfigFactory.parseMap(Map.of(SameJournalCheck.ID, journal.toString()));
  }

  /** A member's own configuration as it checks a joining node: sensitive paths removed. */
  private static Config memberSide(UUID journal) {
    return SameJournalCheck.settings(journal).withoutPath(SameJournalCheck.SELF);
  }

  @Test
  void theJoiningNodeRefusesItselfNamingBothJournals() {
    var result = check.check(sent(b), SameJournalCheck.settings(a));
    Invalid invalid = assertInstanceOf(Invalid.class, result);
    assertEquals(
        "journal database differs: this node's journal is " + a + ", the cluster's is " + b
            + " (every node of a cluster must use the same journal database: RTC2SIP_DB_URL)",
        invalid.errorMessages().head());
  }

  @Test
  void theMemberLetsTheJoiningNodeDecide() {
    assertEquals(Valid$.MODULE$, check.check(sent(b), memberSide(a)));
  }

  @Test
  void theSameJournalJoins() {
    assertEquals(Valid$.MODULE$, check.check(sent(a), SameJournalCheck.settings(a)));
    assertEquals(Valid$.MODULE$, check.check(sent(a), memberSide(a)));
  }

  @Test
  void membersWithoutAJournalAreNotChecked() {
    assertEquals(Valid$.MODULE$, check.check(ConfigFactory.empty(), SameJournalCheck.settings(a)));
    assertEquals(Valid$.MODULE$, check.check(sent(a), ConfigFactory.empty()));
  }

  @Test
  void onlyTheIdIsSentAndSelfIsSensitive() {
    assertEquals(SameJournalCheck.ID, check.requiredKeys().head());
    assertEquals(1, check.requiredKeys().size());
    assertEquals(java.util.List.of(SameJournalCheck.SELF), SameJournalCheck.settings(a).getStringList(
        "pekko.cluster.configuration-compatibility-check.sensitive-config-paths.rtc2sip"));
  }
}
