package io.rtc2sip.sip;

import java.net.InetAddress;
import java.util.function.Predicate;

/** The other nodes of the cluster, as the SIP side sees them: whether a source is one of them. */
interface PeerNodes extends Predicate<InetAddress> {

  /** Whether this node is the only member: every call runs here. */
  boolean alone();
}
