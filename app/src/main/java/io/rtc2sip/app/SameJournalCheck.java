package io.rtc2sip.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses a node whose journal database is not the cluster's (Pekko's join-time configuration
 * check): each node carries its journal's identity ({@link io.rtc2sip.persistence.JournalIdentity})
 * in {@value #ID}. The joining node sends it with its join request; a member answers with its own,
 * and the joining node compares them: when they differ it does not join and shuts down, and its
 * log names both ("Cluster validated this node config, but sent back incompatible settings:
 * journal database differs: ...").
 *
 * <p>Only the joining node decides, so that its own log says why: the member tells the two sides
 * apart by {@value #SELF}, which is a sensitive path (never sent, and removed from the member's
 * own configuration before it checks a joining node). Members without a journal identity (tools
 * and test clients that join without hosting calls) are not checked.
 */
public final class SameJournalCheck extends JoinConfigCompatChecker {
  private static final Logger log = LoggerFactory.getLogger(SameJournalCheck.class);
  static final String ID = "rtc2sip.journal.id";
  static final String SELF = "rtc2sip.journal.self";

  /** The settings that make a node carry {@code journal} and run this check. */
  static Config settings(UUID journal) {
    return ConfigFactory.parseMap(Map.of(
        ID, journal.toString(),
        SELF, journal.toString(),
        "pekko.cluster.configuration-compatibility-check.checkers.rtc2sip-journal",
        SameJournalCheck.class.getName(),
        "pekko.cluster.configuration-compatibility-check.sensitive-config-paths.rtc2sip",
        List.of(SELF)));
  }

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return CollectionConverters.asScala(List.of(ID)).toList();
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    if (!toCheck.hasPath(ID) || !actualConfig.hasPath(ID)) {
      return Valid$.MODULE$;
    }
    String theirs = toCheck.getString(ID);
    String ours = actualConfig.getString(ID);
    if (theirs.equals(ours)) {
      return Valid$.MODULE$;
    }
    if (!actualConfig.hasPath(SELF)) {
      // a member checking a joining node: the joining node refuses itself once it has our id
      log.warn("a node asking to join uses journal database {}, this cluster's is {}: it will not"
          + " join", theirs, ours);
      return Valid$.MODULE$;
    }
    return new Invalid(CollectionConverters.asScala(List.of(
        "journal database differs: this node's journal is " + ours + ", the cluster's is " + theirs
            + " (every node of a cluster must use the same journal database: RTC2SIP_DB_URL)"))
        .toList());
  }
}
