package io.rtc2sip.sip.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.metrics.NodeMetrics;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceRatesAndBansTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aBucketAllowsItsBurstThenItsRate() throws Exception {
    SourceRates rates = new SourceRates(10, 5, 100, now::get);
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 5; i++) {
      assertTrue(rates.tryAcquire(a), "burst " + i);
    }
    assertFalse(rates.tryAcquire(a));
    assertTrue(rates.tryAcquire(ip("192.0.2.2")), "another source has its own bucket");
    advance(Duration.ofMillis(100)); // 10/s: one more token
    assertTrue(rates.tryAcquire(a));
    assertFalse(rates.tryAcquire(a));
    advance(Duration.ofSeconds(60));
    for (int i = 0; i < 5; i++) {
      assertTrue(rates.tryAcquire(a), "refilled to the burst, not beyond: " + i);
    }
    assertFalse(rates.tryAcquire(a));
  }

  @Test
  void theTableStaysBoundedUnderASweepOfSources() throws Exception {
    SourceRates rates = new SourceRates(1, 2, 10, now::get);
    for (int i = 0; i < 1000; i++) {
      rates.tryAcquire(ip("198.51.100." + (i % 250)));
    }
    assertTrue(rates.tracked() <= 10, "tracked " + rates.tracked());
  }

  @Test
  void aBanEndsByItself() throws Exception {
    Bans bans = new Bans(Duration.ofSeconds(30), 100, now::get);
    InetAddress a = ip("192.0.2.1");
    assertFalse(bans.banned(a));
    assertTrue(bans.ban(a));
    assertFalse(bans.ban(a), "banned already");
    assertTrue(bans.banned(a));
    assertEquals(1, bans.active());
    advance(Duration.ofSeconds(29));
    assertTrue(bans.banned(a));
    advance(Duration.ofSeconds(1));
    assertFalse(bans.banned(a));
    assertEquals(0, bans.active());
  }

  @Test
  void thePolicyBansFloodersAndScannersButNeverTrustedPeers() throws Exception {
    SipAccessSettings s = SipAccessSettings.defaults()
        .withTrusted(List.of(Cidr.parse("127.0.0.1/32")))
        .withRateLimit(10, 3, Duration.ofSeconds(5));
    NodeMetrics.SipAccess counters = NodeMetrics.SipAccess.detached();
    SourceTally tally = new SourceTally(100);
    SourcePolicy policy = new SourcePolicy(s, counters, tally, now::get);
    InetAddress trusted = ip("127.0.0.1");
    InetAddress flooder = ip("127.0.0.66");
    InetAddress scanner = ip("203.0.113.5");
    for (int i = 0; i < 1000; i++) {
      assertEquals(SourcePolicy.Verdict.PASS, policy.screen(trusted, true, "friendly-scanner"));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(SourcePolicy.Verdict.PASS, policy.screen(flooder, true, "sipp"));
    }
    assertEquals(SourcePolicy.Verdict.DROP, policy.screen(flooder, true, "sipp"));
    assertEquals(SourcePolicy.Verdict.DROP, policy.screen(flooder, false, null),
        "a banned source's responses are dropped too");
    assertEquals(SourcePolicy.Verdict.DROP, policy.screen(scanner, true,
        "Friendly-Scanner 1.0"));
    assertEquals(SourcePolicy.Verdict.DROP, policy.screen(scanner, true, "Linphone"));
    assertEquals(2, policy.activeBans());
    assertEquals(1, (long) counters.bannedRateLimited.get());
    assertEquals(1, (long) counters.bannedScanner.get());
    assertEquals(2, (long) counters.droppedBanned.get());
    List<String> lines = tally.drain(10);
    assertTrue(lines.contains("1 SIP messages dropped (source banned) from 127.0.0.66 in the"
        + " last 10 s"), "" + lines);
    assertTrue(lines.contains("1 bans (over the request rate limit) from 127.0.0.66 in the"
        + " last 10 s"), "" + lines);
    assertTrue(tally.drain(10).isEmpty(), "a new interval begins");
    advance(Duration.ofSeconds(5));
    assertEquals(SourcePolicy.Verdict.PASS, policy.screen(flooder, true, "sipp"),
        "the ban ended and the source's bucket starts full");
    assertEquals(0, policy.activeBans());
  }

  @Test
  void scannersMayBeAnswered403() throws Exception {
    SipAccessSettings d = SipAccessSettings.defaults();
    SipAccessSettings s = new SipAccessSettings(d.trusted(), d.untrusted(), d.realm(), Map.of(),
        d.nonceLifetime(), "", 20, 100, Duration.ofSeconds(1), 10, List.of("sipvicious"), true,
        d.logInterval(), List.of(), "", "");
    SourcePolicy policy = new SourcePolicy(s, NodeMetrics.SipAccess.detached(),
        new SourceTally(10), now::get);
    assertEquals(SourcePolicy.Verdict.FORBID, policy.screen(ip("203.0.113.5"), true,
        "SIPVicious"));
  }
}
