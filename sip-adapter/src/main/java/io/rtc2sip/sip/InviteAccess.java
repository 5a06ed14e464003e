package io.rtc2sip.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.sip.access.DigestCheck;
import io.rtc2sip.sip.access.SipAccessSettings;
import io.rtc2sip.sip.access.SourcePolicy;
import io.rtc2sip.sip.access.SourceTally;
import java.net.InetAddress;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may start a call: an initial INVITE from a trusted network is taken; from elsewhere it is
 * challenged (407 with a digest nonce) and taken once its Proxy-Authorization verifies against
 * a configured account, or refused with 403 (bad credentials, no accounts, or
 * {@code untrusted = refuse}). The 407 and 403 are sent without a server transaction, so a
 * caller that never authenticates costs the node no state.
 */
final class InviteAccess {
  private static final Logger log = LoggerFactory.getLogger(InviteAccess.class);

  private final SipContext ctx;
  private final SourcePolicy policy;
  private final SipAccessSettings.Untrusted untrusted;
  private final DigestCheck digest;
  private final NodeMetrics.SipAccess counters;
  private final SourceTally tally;

  InviteAccess(SipContext ctx, SourcePolicy policy, SipAccessSettings settings,
      DigestCheck digest, NodeMetrics.SipAccess counters, SourceTally tally) {
    this.ctx = ctx;
    this.policy = policy;
    this.untrusted = settings.untrusted();
    this.digest = digest;
    this.counters = counters;
    this.tally = tally;
  }

  /**
   * Whether {@code invite} may go on to the call; when not, it has been answered (407 or 403).
   * Requests in a dialog (with a To-tag) are not this class's business.
   */
  boolean admits(Request invite) throws Exception {
    if (((ToHeader) invite.getHeader(ToHeader.NAME)).getTag() != null) {
      return true;
    }
    InetAddress source = ((SIPRequest) invite).getPeerPacketSourceAddress();
    if (source == null || policy.trusted(source)) {
      return true;
    }
    String from = source.getHostAddress();
    if (untrusted == SipAccessSettings.Untrusted.REFUSE || !digest.hasAccounts()) {
      counters.refusedUntrusted.inc();
      tally.add("INVITEs refused (403, untrusted source)", from);
      answer(invite, Response.FORBIDDEN, false);
      return false;
    }
    ProxyAuthorizationHeader auth =
        (ProxyAuthorizationHeader) invite.getHeader(ProxyAuthorizationHeader.NAME);
    if (auth == null || !"Digest".equalsIgnoreCase(auth.getScheme())) {
      counters.challenged.inc();
      answer(invite, Response.PROXY_AUTHENTICATION_REQUIRED, false);
      return false;
    }
    DigestCheck.Result result = digest.check(Request.INVITE, credentials(auth));
    switch (result) {
      case OK -> {
        counters.authenticated.inc();
        SipContext.mdc(SipContext.callIdOfRequest(invite));
        log.info("INVITE from {} authenticated as {}", from, auth.getUsername());
        return true;
      }
      case STALE -> {
        counters.challenged.inc();
        answer(invite, Response.PROXY_AUTHENTICATION_REQUIRED, true);
        return false;
      }
      default -> {
        counters.refusedBadCredentials.inc();
        tally.add("INVITEs refused (403, bad digest credentials)", from);
        answer(invite, Response.FORBIDDEN, false);
        return false;
      }
    }
  }

  private static DigestCheck.Credentials credentials(ProxyAuthorizationHeader a) {
    return new DigestCheck.Credentials(a.getUsername(), a.getRealm(), a.getNonce(),
        a.getParameter("uri"), a.getResponse(), a.getAlgorithm(), a.getParameter("qop"),
        a.getParameter("nc"), a.getCNonce());
  }

  /** Answers without a server transaction: nothing is kept for a caller we do not take. */
  private void answer(Request invite, int status, boolean stale) throws Exception {
    Response r = ctx.requests.response(status, invite, SipGuard.CHALLENGE_TAG, null);
    if (status == Response.PROXY_AUTHENTICATION_REQUIRED) {
      ProxyAuthenticateHeader challenge =
          ctx.sip.headers.createProxyAuthenticateHeader("Digest");
      challenge.setRealm(digest.realm());
      challenge.setNonce(digest.newNonce());
      challenge.setAlgorithm("MD5");
      challenge.setQop("auth");
      if (stale) {
        challenge.setStale(true);
      }
      r.addHeader(challenge);
    }
    ctx.sip.provider.sendResponse(r);
  }
}
