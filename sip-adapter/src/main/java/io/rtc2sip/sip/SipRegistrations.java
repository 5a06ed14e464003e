package io.rtc2sip.sip;

import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.sip.dispatch.DestinationSet;
import io.rtc2sip.sip.dispatch.Server;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Registers our users at the configured registrar while they want it and are online
 * ({@link SipRegistrationCommand.Bind}/{@link SipRegistrationCommand.Unbind} from their user
 * sessions): REGISTER with digest authentication, refreshed before the binding expires, Expires 0
 * on unbind. The Contact is the gateway's SIP address, so the registrar's INVITEs reach a node
 * that routes them to the user. A registrar given as {@code set:<name>} is a destination set:
 * each REGISTER goes to its first live server (lowest priority value, then highest weight).
 * Failures are logged and retried every 30 s; {@link #state} shows where each user stands.
 */
final class SipRegistrations {
  private static final Logger log = LoggerFactory.getLogger(SipRegistrations.class);
  private static final long RETRY_SECONDS = 30;

  /** A user's registration as the adapter sees it. */
  enum State { REGISTERING, REGISTERED, FAILED, UNREGISTERED }

  private record Binding(String uid, SipSettings.Account account, String callId,
      AtomicLong cseq) {}

  /** How {@code registrar} names a destination set: {@code set:<name>}. */
  static final String SET_PREFIX = "set:";

  private final SipContext ctx;
  private final AuthenticationHelper auth;
  private final TrunkChallenges registrar;
  /** The registrar's destination set when {@code registrar} names one, else null. */
  private final DestinationSet registrarSet;
  private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> refreshes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rtc2sip-sip-register");
    t.setDaemon(true);
    return t;
  });

  SipRegistrations(SipContext ctx, TrunkChallenges registrar, DestinationSet registrarSet) {
    this.ctx = ctx;
    this.registrar = registrar;
    this.registrarSet = registrarSet;
    this.auth = ((SipStackExt) ctx.sip.stack).getAuthenticationHelper(
        (tx, realm) -> credentials(tx), ctx.sip.headers);
  }

  State state(String uid) {
    return states.getOrDefault(uid, State.UNREGISTERED);
  }

  void handle(SipRegistrationCommand command) {
    String uid = command.uid();
    SipSettings.Account account = ctx.sip.settings.accounts().get(uid);
    if (account == null || ctx.sip.settings.registrar().isEmpty()) {
      log.info("no SIP account for {} (rtc2sip.sip.accounts / registrar): nothing to register",
          uid);
      return;
    }
    if (command instanceof SipRegistrationCommand.Bind) {
      Binding b = bindings.computeIfAbsent(uid, u -> new Binding(u, account,
          "reg-" + UUID.randomUUID() + "@rtc2sip", new AtomicLong()));
      send(b, ctx.sip.settings.registerExpires());
    } else {
      Binding b = bindings.remove(uid);
      ScheduledFuture<?> refresh = refreshes.remove(uid);
      if (refresh != null) {
        refresh.cancel(false);
      }
      if (b != null) {
        send(b, 0);
      }
    }
  }

  private void send(Binding b, int expires) {
    MDC.put("uid", b.uid());
    try {
      SipSettings s = ctx.sip.settings;
      String to = registrarUri();
      if (to == null) {
        failed(b.uid(), "no live server in destination set " + registrarSet.name());
        return;
      }
      SipURI registrar = (SipURI) ctx.sip.addresses.createURI(to);
      SipURI aor = ctx.sip.addresses.createSipURI(b.account().username(), aorHost(registrar));
      aor.setSecure(registrar.isSecure());
      Address aorAddress = ctx.sip.addresses.createAddress(aor);
      String transport = SipTransport.of(registrar);
      ViaHeader via = ctx.sip.headers.createViaHeader(s.host(), s.portFor(transport), transport,
          "z9hG4bK" + UUID.randomUUID().toString().replace("-", ""));
      via.setRPort();
      Request r = ctx.sip.messages.createRequest(registrar, Request.REGISTER,
          ctx.sip.headers.createCallIdHeader(b.callId()),
          ctx.sip.headers.createCSeqHeader(b.cseq().incrementAndGet(), Request.REGISTER),
          ctx.sip.headers.createFromHeader(aorAddress, "r" + Long.toHexString(b.cseq().get())),
          ctx.sip.headers.createToHeader(aorAddress, null),
          List.of(via), ctx.sip.headers.createMaxForwardsHeader(70));
      ContactHeader contact = ctx.requests.contact(b.uid(), transport, registrar.isSecure());
      r.addHeader(contact);
      r.addHeader(ctx.sip.headers.createExpiresHeader(expires));
      r.addHeader(ctx.sip.headers.createUserAgentHeader(List.of(s.userAgent())));
      ClientTransaction tx = ctx.newTransaction(r, new SipContext.Purpose(b.uid(),
          expires == 0 ? "UNREGISTER" : "REGISTER", null, b.uid()));
      if (expires > 0) {
        states.put(b.uid(), State.REGISTERING);
      }
      log.info("{} {} at {} (expires {} s)", expires == 0 ? "un-REGISTER" : "REGISTER",
          aor, registrar, expires);
      ctx.send(tx);
    } catch (Exception e) {
      failed(b.uid(), "REGISTER not sent: " + e);
    } finally {
      MDC.remove("uid");
    }
  }

  /**
   * Where the next REGISTER goes: the registrar, or the first live server of its set in
   * priority and weight order; null when the set has none up.
   */
  private String registrarUri() {
    if (registrarSet == null) {
      return ctx.sip.settings.registrar();
    }
    List<Server> live = registrarSet.liveInOrder();
    return live.isEmpty() ? null : live.get(0).uri();
  }

  /**
   * The host of our users' addresses of record: the registrar's, or for a set its first
   * server's in configuration order, whichever server the REGISTER goes to.
   */
  private String aorHost(SipURI registrar) throws java.text.ParseException {
    if (registrarSet == null) {
      return registrar.getHost();
    }
    return ((SipURI) ctx.sip.addresses.createURI(registrarSet.servers().get(0).uri())).getHost();
  }

  void response(Response response, ClientTransaction tx, SipContext.Purpose purpose) {
    String uid = purpose.callId();
    int status = response.getStatusCode();
    if (status < 200) {
      return;
    }
    MDC.put("uid", uid);
    try {
      if (status == 401 || status == 407) {
        String refusal = registrar.refusal(tx.getRequest(), response);
        if (refusal != null) {
          failed(uid, status + " challenge not answered: " + refusal);
          return;
        }
      }
      if ((status == 401 || status == 407) && !purpose.kind().endsWith("-AUTH")) {
        ClientTransaction retry = auth.handleChallenge(response, tx, ctx.sip.provider, 5);
        retry.setApplicationData(new SipContext.Purpose(uid, purpose.kind() + "-AUTH", null,
            uid));
        ctx.send(retry);
        return;
      }
      boolean unregister = purpose.kind().startsWith("UNREGISTER");
      if (status >= 300) {
        failed(uid, "registrar answered " + status + " " + response.getReasonPhrase());
        return;
      }
      if (unregister) {
        states.put(uid, State.UNREGISTERED);
        log.info("{} unregistered", uid);
        return;
      }
      int granted = granted(response);
      states.put(uid, State.REGISTERED);
      log.info("{} registered for {} s", uid, granted);
      schedule(uid, Math.max(5, granted * 8L / 10));
    } catch (Exception e) {
      failed(uid, e.toString());
    } finally {
      MDC.remove("uid");
    }
  }

  /** Our REGISTER got no final response: timed out, or could not be sent. */
  void failed(SipContext.Purpose purpose, String reason) {
    failed(purpose.callId(), "no answer from the registrar: " + reason);
  }

  private void failed(String uid, String why) {
    states.put(uid, State.FAILED);
    log.warn("SIP registration of {} failed: {}; retrying in {} s", uid, why, RETRY_SECONDS);
    schedule(uid, RETRY_SECONDS);
  }

  private void schedule(String uid, long seconds) {
    ScheduledFuture<?> previous = refreshes.put(uid, timer.schedule(() -> {
      Binding b = bindings.get(uid);
      if (b != null) {
        send(b, ctx.sip.settings.registerExpires());
      }
    }, seconds, TimeUnit.SECONDS));
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private int granted(Response ok) {
    ContactHeader c = (ContactHeader) ok.getHeader(ContactHeader.NAME);
    if (c != null && c.getExpires() > 0) {
      return c.getExpires();
    }
    ExpiresHeader e = (ExpiresHeader) ok.getHeader(ExpiresHeader.NAME);
    return e != null ? e.getExpires() : ctx.sip.settings.registerExpires();
  }

  private UserCredentials credentials(ClientTransaction tx) {
    SipContext.Purpose p = (SipContext.Purpose) tx.getApplicationData();
    SipSettings.Account a = ctx.sip.settings.accounts().get(p.callId());
    return new DigestCredentials(a.username(), a.password(), "");
  }


  void close() {
    timer.shutdownNow();
  }
}
