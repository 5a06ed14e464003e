package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.testkit.Until;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.sip.access.SipAccessSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The adapter's side of the access policy against real input: the trunk's credentials only for
 * the trunk, and a flood of malformed datagrams counted and logged in summary.
 */
class SipAccessTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static SipAdapter start(SipSettings settings, SipAccessSettings access,
      TestProbe<ShardingEnvelope<CallCommand>> calls) throws Exception {
    return SipAdapter.start(KIT.system(), settings, access, EntityMessenger.envelopes(calls.ref()),
        new TestMediaEndpoints(), CallQuery.ofStates(id -> "Active"));
  }

  private static CallCommand nextNonProvisional(TestProbe<ShardingEnvelope<CallCommand>> calls) {
    while (true) {
      CallCommand c = calls.receiveMessage(WAIT).message();
      if (!(c instanceof CallCommand.SipProvisional)) {
        return c;
      }
    }
  }

  @Test
  void aChallengeFromAHostThatIsNotTheTrunkGetsNoCredentials() throws Exception {
    // no outbound proxy: the INVITE goes straight to the dialled host, which is not the trunk;
    // then a trunk host that is right, but a realm that is not the configured one
    for (SipAccessSettings access : List.of(SipAccessSettings.defaults(),
        SipAccessSettings.defaults().withTrunk(List.of("127.0.0.1"), "trunk.example"))) {
      TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
      NodeMetrics.SipAccess counters = NodeMetrics.get(KIT.system()).sipAccess();
      double before = counters.foreignChallenges.get();
      SipAdapter adapter = start(SipSettings.of("127.0.0.1", Sipp.freeUdpPort(), "", "bob",
          "trunk-password"), access, calls);
      try (Sipp attacker = Sipp.uas("uas_challenge", 1000)) {
        String callId = CallIds.newOutbound();
        SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
            CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1",
            "sip:x@127.0.0.1:" + attacker.port);
        adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
            Party.sip(dialog.remoteUri())));
        CallCommand.SipFailed failed = assertInstanceOf(CallCommand.SipFailed.class,
            nextNonProvisional(calls));
        assertEquals(407, failed.status());
        assertTrue(failed.reason().contains("not from the trunk"), failed.reason());
        attacker.await(30);
        assertFalse(attacker.messages().contains("Proxy-Authorization"),
            "no credentials for this host: " + attacker.where());
        assertEquals(before + 1, counters.foreignChallenges.get());
      } finally {
        adapter.close();
      }
    }
  }

  @Test
  void mutatedDatagramsAreCountedAndLoggedInSummary() throws Exception {
    LogVolume volume = new LogVolume();
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    volume.setContext(logs);
    volume.start();
    logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(volume);
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    int port = Sipp.freeUdpPort();
    SipAccessSettings d = SipAccessSettings.defaults();
    SipAccessSettings access = new SipAccessSettings(d.trusted(), d.untrusted(), d.realm(),
        Map.of(), d.nonceLifetime(), "", d.requestsPerSecond(), d.burst(), d.banTime(),
        d.maxSources(), d.scannerAgents(), false, Duration.ofSeconds(1), List.of(), "", "");
    NodeMetrics.SipAccess counters = NodeMetrics.get(KIT.system()).sipAccess();
    double before = counters.malformed.get();
    SipAdapter adapter = start(new SipSettings("127.0.0.1", port, List.of("udp"), "", "", "",
        "rtc2sip-test", "", 300, Map.of(), 1800, 0, 5), access, calls);
    try (RawSip raw = new RawSip(port)) {
      byte[] base = raw.invite("alice", "fuzz@caller").getBytes(StandardCharsets.US_ASCII);
      Random random = new Random(13);
      int sent = 3000;
      for (int i = 0; i < sent; i++) {
        raw.send(Mutator.mutate(base, random));
        if (i % 200 == 199) {
          Thread.sleep(20); // UDP: let the socket buffer drain so the stack sees the datagrams
        }
      }
      // about one in seven of these mutations breaks the message; a loaded machine may drop
      // some datagrams before the stack reads them, so the bound is loose (the stack's threads
      // parse asynchronously: wait for a tenth to be counted, then check what was)
      Until.holds(Duration.ofSeconds(20), () -> counters.malformed.get() - before >= sent / 10);
      double malformed = counters.malformed.get() - before;
      // bounded: a few summary lines and call lines, never one dump per datagram
      assertTrue(volume.chars.get() < 200_000, "log volume " + volume.chars.get() + " chars in "
          + volume.lines.get() + " lines for " + sent + " mutated datagrams");
      assertTrue(volume.lines.get() < sent / 5, "log lines " + volume.lines.get());
      assertTrue(malformed >= 50, "malformed counted: " + malformed);
      // the summary comes once per log interval
      Until.until(Duration.ofSeconds(10), () -> volume.summaryLines() >= 1,
          "a summary line per source and interval");
    } finally {
      adapter.close();
      logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(volume);
    }
  }

  /** Counts what is logged: lines (a stack trace's frames too) and characters. */
  private static final class LogVolume extends AppenderBase<ILoggingEvent> {
    final AtomicLong lines = new AtomicLong();
    final AtomicLong chars = new AtomicLong();
    final List<String> summaries = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      String m = e.getFormattedMessage();
      lines.addAndGet(1 + m.chars().filter(c -> c == '\n').count());
      chars.addAndGet(m.length());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.addAndGet(1 + t.getStackTraceElementProxyArray().length);
        chars.addAndGet(80L * (1 + t.getStackTraceElementProxyArray().length));
      }
      if (m.contains("malformed SIP datagrams from 127.0.0.1")) {
        summaries.add(m);
      }
    }

    int summaryLines() {
      return summaries.size();
    }
  }

  /** Mutations a fuzzer makes of a datagram: flipped bytes, cuts, repeats, junk, big numbers. */
  static final class Mutator {
    private static final byte[] JUNK = ":;<>@\"\r\n \t=,/\\%0123456789".getBytes(
        StandardCharsets.US_ASCII);

    static byte[] mutate(byte[] base, Random r) {
      byte[] b = base.clone();
      int n = 1 + r.nextInt(6);
      for (int k = 0; k < n; k++) {
        switch (r.nextInt(5)) {
          case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
          case 1 -> b[r.nextInt(b.length)] = JUNK[r.nextInt(JUNK.length)];
          case 2 -> {
            int from = r.nextInt(b.length);
            int len = Math.min(b.length - from, 1 + r.nextInt(40));
            byte[] out = new byte[b.length - len];
            System.arraycopy(b, 0, out, 0, from);
            System.arraycopy(b, from + len, out, from, b.length - from - len);
            b = out.length == 0 ? b : out;
          }
          case 3 -> {
            int from = r.nextInt(b.length);
            int len = Math.min(b.length - from, 1 + r.nextInt(60));
            byte[] out = new byte[b.length + len];
            System.arraycopy(b, 0, out, 0, from + len);
            System.arraycopy(b, from, out, from + len, b.length - from);
            b = out;
          }
          default -> {
            String s = new String(b, StandardCharsets.ISO_8859_1)
                .replaceFirst("\\d+", r.nextBoolean() ? "99999999999999999999" : "-1");
            b = s.getBytes(StandardCharsets.ISO_8859_1);
          }
        }
      }
      return b;
    }
  }
}
