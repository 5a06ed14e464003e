package io.rtc2sip.sip;

import io.rtc2sip.sip.dispatch.DestinationSet;
import io.rtc2sip.sip.dispatch.Destinations;
import io.rtc2sip.sip.dispatch.Server;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OPTIONS probes of the servers of destination sets, from this node: each server every probe
 * interval, sent through the stack like our other requests. A probe unanswered within the
 * timeout, answered with a status the set does not expect, or that cannot be sent, failed; a
 * server goes down after the set's failures-to-down failed probes in a row and up again after
 * successes-to-up answered ones, with one log line per change.
 */
final class DestinationProbes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DestinationProbes.class);
  /** The kind of a probe's client transaction ({@link SipContext.Purpose#kind}). */
  static final String PROBE = "PROBE";
  /** How our probes' Call-IDs begin: they are no calls, and the SIP trace keeps none of them. */
  static final String CALL_ID_PREFIX = "rtc2sip-probe-";

  private record Pending(DestinationSet set, Server server, long sentNanos,
      ClientTransaction tx) {}

  private final SipContext ctx;
  private final Destinations destinations;
  private final Clock clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rtc2sip-sip-probes");
    t.setDaemon(true);
    return t;
  });

  DestinationProbes(SipContext ctx, Destinations destinations, Clock clock) {
    this.ctx = ctx;
    this.destinations = destinations;
    this.clock = clock;
  }

  /** Starts probing every server of every set whose probe interval is not zero. */
  void start() {
    for (DestinationSet set : destinations.sets()) {
      long every = set.settings().probe().interval().toMillis();
      if (every == 0) {
        continue;
      }
      for (Server server : set.servers()) {
        timer.scheduleWithFixedDelay(() -> probe(set, server), 0, every, TimeUnit.MILLISECONDS);
      }
      log.info("destination set {}: {} servers ({}), probed every {} ms", set.name(),
          set.servers().size(), set.settings().algorithm().configName(), every);
    }
  }

  private void probe(DestinationSet set, Server server) {
    String callId = CALL_ID_PREFIX + UUID.randomUUID() + "@" + ctx.sip.settings.host();
    try {
      Request options = options(server.uri(), callId);
      ClientTransaction tx = ctx.newTransaction(options,
          new SipContext.Purpose(callId, PROBE, null, null));
      pending.put(callId, new Pending(set, server, System.nanoTime(), tx));
      timer.schedule(() -> timedOut(callId), set.settings().probe().timeout().toMillis(),
          TimeUnit.MILLISECONDS);
      ctx.send(tx);
    } catch (Exception e) {
      pending.remove(callId);
      outcome(set, server, false, "not sent: " + e.getMessage(), -1);
    }
  }

  private Request options(String server, String callId) throws Exception {
    SipURI target = (SipURI) ctx.sip.addresses.createURI(server);
    String transport = SipTransport.of(target);
    SipURI self = ctx.sip.addresses.createSipURI("rtc2sip", ctx.sip.settings.host());
    self.setPort(ctx.sip.settings.portFor(transport));
    Address from = ctx.sip.addresses.createAddress(self);
    Address to = ctx.sip.addresses.createAddress(target);
    ViaHeader via = ctx.sip.headers.createViaHeader(ctx.sip.settings.host(),
        ctx.sip.settings.portFor(transport), transport, "z9hG4bK" + UUID.randomUUID().toString()
            .replace("-", ""));
    via.setRPort();
    Request r = ctx.sip.messages.createRequest(target, Request.OPTIONS,
        ctx.sip.headers.createCallIdHeader(callId),
        ctx.sip.headers.createCSeqHeader(1L, Request.OPTIONS),
        ctx.sip.headers.createFromHeader(from, Long.toHexString(System.nanoTime())),
        ctx.sip.headers.createToHeader(to, null), List.of(via),
        ctx.sip.headers.createMaxForwardsHeader(70));
    r.addHeader(ctx.requests.contact("rtc2sip", transport, target.isSecure()));
    r.addHeader(ctx.sip.headers.createUserAgentHeader(List.of(ctx.sip.settings.userAgent())));
    return r;
  }

  /** A response to a probe; provisional ones are no outcome yet. */
  void response(Response response, SipContext.Purpose purpose) {
    int status = response.getStatusCode();
    if (status < 200) {
      return;
    }
    Pending p = pending.remove(purpose.callId());
    if (p == null) {
      return; // answered after its timeout: that probe failed already
    }
    long micros = (System.nanoTime() - p.sentNanos()) / 1000;
    outcome(p.set(), p.server(), p.set().settings().probe().alive(status),
        status + " in " + (micros / 1000) + " ms", micros);
  }

  /** A probe that could not be sent or whose transaction gave up. */
  void failed(SipContext.Purpose purpose, String reason) {
    Pending p = pending.remove(purpose.callId());
    if (p != null) {
      outcome(p.set(), p.server(), false, reason, -1);
    }
  }

  private void timedOut(String callId) {
    Pending p = pending.remove(callId);
    if (p == null) {
      return;
    }
    try {
      p.tx().terminate(); // no retransmissions to a server that did not answer in time
    } catch (Exception e) {
      log.debug("probe transaction not terminated: {}", e.toString());
    }
    outcome(p.set(), p.server(), false, "timeout", -1);
  }

  private void outcome(DestinationSet set, Server server, boolean alive, String what,
      long micros) {
    String change = set.probed(server, alive, what, clock.instant(), micros);
    if (change != null) {
      if (alive) {
        log.info("destination {} server {} {}", set.name(), server.uri(), change);
      } else {
        log.warn("destination {} server {} {}", set.name(), server.uri(), change);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
