package io.rtc2sip.sip.access;

import io.rtc2sip.metrics.NodeMetrics;
import java.net.InetAddress;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The first look at every SIP message, before the stack makes a transaction for it: trusted
 * sources pass; a banned source is dropped; a scanner's User-Agent or a source over its rate
 * is banned. Every drop is counted and tallied per source for the summary log.
 */
public final class SourcePolicy {
  /** What becomes of a message. */
  public enum Verdict { PASS, DROP, FORBID }

  private final List<Cidr> trusted;
  private final SourceRates rates;
  private final Bans bans;
  private final ScannerAgents scanners;
  private final boolean scannerForbidden;
  private final NodeMetrics.SipAccess counters;
  private final SourceTally tally;
  private final Predicate<InetAddress> peers;

  public SourcePolicy(SipAccessSettings s, NodeMetrics.SipAccess counters, SourceTally tally,
      LongSupplier nanos) {
    this(s, counters, tally, nanos, source -> false);
  }

  /**
   * @param peers the other nodes of the cluster: like trusted sources, never rate-limited or
   *     banned (they pass on INVITEs and their responses), but their INVITEs are not taken
   *     without a check for that
   */
  public SourcePolicy(SipAccessSettings s, NodeMetrics.SipAccess counters, SourceTally tally,
      LongSupplier nanos, Predicate<InetAddress> peers) {
    this.peers = peers;
    this.trusted = s.trusted();
    this.rates = new SourceRates(s.requestsPerSecond(), s.burst(), s.maxSources(), nanos);
    this.bans = new Bans(s.banTime(), s.maxSources(), nanos);
    this.scanners = new ScannerAgents(s.scannerAgents());
    this.scannerForbidden = s.scannerForbidden();
    this.counters = counters;
    this.tally = tally;
  }

  public boolean trusted(InetAddress source) {
    for (Cidr c : trusted) {
      if (c.contains(source)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The verdict on a message from {@code source}; {@code userAgent} is null for responses
   * (which are only checked against bans).
   */
  public Verdict screen(InetAddress source, boolean request, String userAgent) {
    if (source == null || trusted(source) || peers.test(source)) {
      return Verdict.PASS;
    }
    if (bans.banned(source)) {
      counters.droppedBanned.inc();
      tally.add("SIP messages dropped (source banned)", source.getHostAddress());
      return Verdict.DROP;
    }
    if (!request) {
      return Verdict.PASS;
    }
    if (scanners.matches(userAgent)) {
      counters.droppedScanner.inc();
      if (bans.ban(source)) {
        counters.bannedScanner.inc();
        tally.add("bans (scanner User-Agent '" + printable(userAgent) + "')",
            source.getHostAddress());
      }
      return scannerForbidden ? Verdict.FORBID : Verdict.DROP;
    }
    if (!rates.tryAcquire(source)) {
      counters.droppedRateLimited.inc();
      if (bans.ban(source)) {
        counters.bannedRateLimited.inc();
        rates.forget(source);
        tally.add("bans (over the request rate limit)", source.getHostAddress());
      }
      return Verdict.DROP;
    }
    return Verdict.PASS;
  }

  /**
   * Whether a datagram from {@code source} is dropped before it is even parsed: its source is
   * banned (and not trusted). Counted like a drop after parsing.
   */
  public boolean bannedBeforeParsing(InetAddress source) {
    if (source == null || trusted(source) || peers.test(source) || !bans.banned(source)) {
      return false;
    }
    counters.droppedBanned.inc();
    tally.add("SIP messages dropped (source banned)", source.getHostAddress());
    return true;
  }

  /** Sources banned right now. */
  public long activeBans() {
    return bans.active();
  }

  private static String printable(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?").replace('\'', '?');
  }
}
