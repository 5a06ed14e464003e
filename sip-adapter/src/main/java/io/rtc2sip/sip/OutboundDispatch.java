package io.rtc2sip.sip;

import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.sip.dispatch.DestinationSet;
import io.rtc2sip.sip.dispatch.Destinations;
import io.rtc2sip.sip.dispatch.Server;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Where our INVITEs go when destination sets are configured: the server of a call's set for its
 * first INVITE (as the INVITE's Route), and on a failover code, a transport error or silence the
 * next server of the set the call has not tried, with a new INVITE in the same call (next CSeq,
 * new branch, as after a digest challenge). The call hears only of the last server's failure.
 */
final class OutboundDispatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboundDispatch.class);

  /** Sends an INVITE of ours as a new client transaction. */
  @FunctionalInterface
  interface Sender {
    void send(Request invite, SipContext.Purpose purpose) throws Exception;
  }

  /** Where a call's first INVITE goes. */
  sealed interface Hop {
    /** No set applies: to the Request-URI's host. */
    record Direct() implements Hop {}

    /** Through {@code server} of {@code set}. */
    record Through(DestinationSet set, Server server) implements Hop {}

    /** The call's set has no server up: the call fails at once. */
    record NoLiveServer(DestinationSet set) implements Hop {}
  }

  /**
   * The servers an INVITE of a call has tried and the attempt under way; kept by the call's leg,
   * for the dialog (SIP Call-ID) the INVITE opens (a call inviting a transfer target has two).
   */
  static final class Attempts {
    final String dialog;
    final DestinationSet set;
    final String key;
    final Set<String> tried = new HashSet<>();
    Server server;
    SipContext.Purpose current;
    Request request;
    ClientTransaction tx;
    boolean heard;

    Attempts(String dialog, DestinationSet set, String key, Server first) {
      this.dialog = dialog;
      this.set = set;
      this.key = key;
      this.server = first;
      tried.add(first.uri());
    }
  }

  private final SipContext ctx;
  private final Destinations destinations;
  private final Sender sender;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rtc2sip-sip-failover");
    t.setDaemon(true);
    return t;
  });

  OutboundDispatch(SipContext ctx, Destinations destinations, Sender sender) {
    this.ctx = ctx;
    this.destinations = destinations;
    this.sender = sender;
  }

  /**
   * The first hop of a call from {@code callerUid} in {@code dialog}; a server chosen is
   * remembered in {@code leg} for the failovers.
   */
  Hop first(SipLeg leg, SipDialog dialog, String callerUid) {
    String user = "";
    String host = "";
    try {
      URI uri = ctx.sip.addresses.createURI(dialog.remoteUri());
      if (uri instanceof SipURI sip) {
        user = sip.getUser() == null ? "" : sip.getUser();
        host = sip.getHost();
      }
    } catch (java.text.ParseException e) {
      // routed by caller only; building the request reports the URI
    }
    Optional<DestinationSet> set = destinations.setFor(user, host, callerUid);
    leg.attempts(null);
    if (set.isEmpty()) {
      return new Hop.Direct();
    }
    String key = switch (set.get().settings().algorithm()) {
      case HASH_CALLER -> callerUid;
      default -> dialog.callId();
    };
    Optional<Server> server = set.get().next(key, Set.of());
    if (server.isEmpty()) {
      return new Hop.NoLiveServer(set.get());
    }
    leg.attempts(new Attempts(dialog.callId(), set.get(), key, server.get()));
    return new Hop.Through(set.get(), server.get());
  }

  /** {@code tx} carries the call's INVITE now: silence from it for the set's time fails over. */
  void sent(SipContext.Purpose purpose, ClientTransaction tx) {
    Attempts a = attempts(purpose);
    if (a == null) {
      return;
    }
    synchronized (a) {
      a.current = purpose;
      a.request = tx.getRequest();
      a.tx = tx;
      a.heard = false;
    }
    long millis = a.set.settings().failoverTimeout().toMillis();
    if (millis > 0) {
      timer.schedule(() -> silent(purpose), millis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Whether a response to {@code purpose}'s INVITE is for the attempt under way (and not one
   * given up); it counts as heard.
   */
  boolean current(SipContext.Purpose purpose) {
    Attempts a = attempts(purpose);
    if (a == null) {
      return true;
    }
    synchronized (a) {
      if (a.current != purpose) {
        return false;
      }
      a.heard = true;
      return true;
    }
  }

  /**
   * The attempt of {@code purpose} failed with {@code status}: when the status is one of the
   * set's failover codes and a server is left, the next INVITE goes there and this returns true;
   * false: the call fails with this status. A failure of an attempt given up already returns
   * true (nothing to tell the call).
   */
  boolean failover(SipContext.Purpose purpose, int status, String reason) throws Exception {
    SipLeg leg = ctx.legs.get(purpose.callId());
    Attempts a = attemptsIn(leg, purpose);
    if (a == null || !leg.outboundInvitePending()) {
      return false; // no set, or the call cancels: this failure is the call's end
    }
    Request again;
    SipContext.Purpose next;
    Server from;
    synchronized (a) {
      if (a.current != purpose) {
        return true;
      }
      if (!a.set.settings().failsOver(status)) {
        return false;
      }
      Optional<Server> server = a.set.next(a.key, a.tried);
      if (server.isEmpty()) {
        log.info("{} {} from {}: no server of set {} left to try", status, reason,
            a.server.uri(), a.set.name());
        return false;
      }
      from = a.server;
      a.server = server.get();
      a.tried.add(a.server.uri());
      again = nextAttempt(a.request, a.server.uri(), purpose.contactUser());
      next = new SipContext.Purpose(purpose.callId(), OutboundInvites.INVITE, purpose.dialog(),
          purpose.contactUser());
      a.current = next;
    }
    log.info("{} {} from {}: INVITE sent to {} of set {} instead", status, reason, from.uri(),
        a.server.uri(), a.set.name());
    sender.send(again, next);
    return true;
  }

  /** No response at all to an attempt within the set's failover timeout: the next server. */
  private void silent(SipContext.Purpose purpose) {
    MDC.put("callId", purpose.callId());
    try {
      SipLeg leg = ctx.legs.get(purpose.callId());
      Attempts a = attemptsIn(leg, purpose);
      if (a == null || !leg.outboundInvitePending()) {
        return; // no set, or the call cancels its INVITE: that transaction must go on
      }
      ClientTransaction tx;
      synchronized (a) {
        if (a.current != purpose || a.heard || !a.set.settings().failsOver(408)
            || !a.set.anyLeft(a.tried)) {
          return; // answered, moved on, or nothing to move to: the transaction's timeout decides
        }
        tx = a.tx;
      }
      terminate(tx);
      failover(purpose, 408, "(no response within "
          + a.set.settings().failoverTimeout().toMillis() + " ms)");
    } catch (Exception e) {
      log.warn("failover after silence failed: {}", e.toString());
    } finally {
      MDC.remove("callId");
    }
  }

  private static void terminate(ClientTransaction tx) {
    try {
      tx.terminate();
    } catch (Exception e) {
      log.debug("transaction not terminated: {}", e.toString());
    }
  }

  private Attempts attempts(SipContext.Purpose purpose) {
    return attemptsIn(ctx.legs.get(purpose.callId()), purpose);
  }

  /** The attempts of the dialog {@code purpose}'s INVITE opens, null when it goes to no set. */
  private static Attempts attemptsIn(SipLeg leg, SipContext.Purpose purpose) {
    Attempts a = leg == null ? null : leg.attempts();
    return a != null && purpose.dialog() != null && a.dialog.equals(purpose.dialog().callId())
        ? a : null;
  }

  /**
   * The INVITE again for another server: the same Call-ID, From-tag, To and offer, the next CSeq,
   * a new branch, the new server as its Route, no credentials (they were the last server's).
   */
  private Request nextAttempt(Request previous, String server, String contactUser)
      throws Exception {
    Request r = (Request) previous.clone();
    CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
    cseq.setSeqNumber(cseq.getSeqNumber() + 1);
    r.removeHeader(AuthorizationHeader.NAME);
    r.removeHeader(ProxyAuthorizationHeader.NAME);
    r.removeHeader(RouteHeader.NAME);
    SipURI hop = (SipURI) ctx.sip.addresses.createURI(server);
    hop.setLrParam();
    r.addHeader(ctx.sip.headers.createRouteHeader(ctx.sip.addresses.createAddress(hop)));
    // a set's servers are all TLS or all not (DestinationSettings): an offer with SDES keys
    // never goes on in clear
    String transport = SipTransport.of(hop);
    r.removeHeader(ViaHeader.NAME);
    ViaHeader via = ctx.sip.headers.createViaHeader(ctx.sip.settings.host(),
        ctx.sip.settings.portFor(transport), transport, "z9hG4bK" + UUID.randomUUID().toString()
            .replace("-", ""));
    via.setRPort();
    r.addHeader(via);
    r.removeHeader(ContactHeader.NAME);
    r.addHeader(ctx.requests.contact(contactUser, transport,
        SipRequests.secure(r.getRequestURI())));
    return r;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
