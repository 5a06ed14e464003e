package io.rtc2sip.sip;

import java.net.InetAddress;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether a SIP source is a node of this cluster: its address equals the host of a member's
 * cluster address (an address literal, as nodes advertise it; names are not resolved, so the
 * check never waits for DNS). Read from the cluster's current membership, so a node that left
 * stops counting at once.
 */
final class ClusterPeers implements PeerNodes {

  private final Cluster cluster;

  private ClusterPeers(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * The peers of {@code system}'s cluster; when the system is not clustered (tests of the
   * adapter alone) no source is a peer, and the node is not taken to be alone: its calls' answers
   * say where they run.
   */
  static PeerNodes of(ActorSystem<?> system) {
    if (!"cluster".equals(system.settings().config().getString("pekko.actor.provider"))) {
      return new PeerNodes() {
        @Override
        public boolean test(InetAddress source) {
          return false;
        }

        @Override
        public boolean alone() {
          return false;
        }
      };
    }
    return new ClusterPeers(Cluster.get(system));
  }

  @Override
  public boolean alone() {
    java.util.Iterator<Member> members = cluster.state().getMembers().iterator();
    if (members.hasNext()) {
      members.next();
    }
    return !members.hasNext();
  }

  @Override
  public boolean test(InetAddress source) {
    if (source == null) {
      return false;
    }
    String literal = source.getHostAddress();
    for (Member m : cluster.state().getMembers()) {
      if (m.address().host().isDefined() && literal.equals(m.address().host().get())) {
        return true;
      }
    }
    return false;
  }
}
