package io.rtc2sip.sip;

import gov.nist.javax.sip.stack.SIPTransaction;
import io.rtc2sip.actors.port.SdesCrypto;
import io.rtc2sip.actors.port.SrtpSuite;
import java.util.Optional;
import javax.sip.ServerTransaction;
import javax.sip.address.URI;

/**
 * Whether a dialog's media is SRTP with SDES keys (RFC 4568), decided from the {@link
 * SrtpPolicy}, whether the dialog's signaling is TLS ({@code secure}) and the peer's SDP. SDES
 * carries the keys inside the SDP, readable by anyone on the path of clear signaling: keys are
 * offered and taken only when the signaling is TLS. Over UDP or TCP in clear no crypto is offered,
 * crypto in an offer is ignored (plain RTP when the offer allows it, else 488), and a policy that
 * requires SRTP refuses the call.
 */
final class SdesDecision {
  /** The tags of our crypto lines: 1 for the 80-bit tag suite, 2 for the 32-bit one. */
  static final int TAG_80 = 1;
  static final int TAG_32 = 2;

  /** How we offer. */
  enum Offer {
    /** RTP/AVP, no crypto. */
    PLAIN,
    /** RTP/AVP with crypto lines: SRTP if the peer answers with one, else plain. */
    BEST_EFFORT,
    /** RTP/SAVP with crypto lines: SRTP or nothing. */
    SAVP,
    /** No offer: SRTP is required and the signaling is not TLS. */
    REFUSED
  }

  /**
   * What to do with a peer's SDP: plain RTP (no crypto), SRTP with {@code crypto} (the peer's
   * choice, whose tag and suite our answer repeats) in profile RTP/SAVP ({@code savp}) or RTP/AVP,
   * or a refusal with its reason ({@code refusal}: the Warning and log text).
   */
  record Outcome(Optional<Sdp.Crypto> crypto, boolean savp, String refusal) {
    static Outcome plain() {
      return new Outcome(Optional.empty(), false, null);
    }

    static Outcome srtp(Sdp.Crypto crypto, boolean savp) {
      return new Outcome(Optional.of(crypto), savp, null);
    }

    static Outcome refused(String why) {
      return new Outcome(Optional.empty(), false, why);
    }

    boolean isRefused() {
      return refusal != null;
    }

    boolean srtp() {
      return crypto.isPresent();
    }

    /** The peer's suite and key for the media, when SRTP. */
    Optional<SdesCrypto> sdes() {
      return crypto.map(c -> new SdesCrypto(c.suite(), c.key()));
    }

    /** For log lines: the suite, or "plain RTP". */
    String describe() {
      return crypto.map(c -> "SRTP " + c.suite()).orElse("plain RTP");
    }
  }

  private final SrtpPolicy policy;
  private final boolean secure;

  SdesDecision(SrtpPolicy policy, boolean secure) {
    this.policy = policy;
    this.secure = secure;
  }

  /**
   * The decision for a request the peer sent us: secure when it arrived over TLS (the connection
   * it came on, not its Via, which the sender writes).
   */
  static SdesDecision forRequest(SrtpPolicy policy, ServerTransaction tx) {
    return new SdesDecision(policy, tx instanceof SIPTransaction t
        && "tls".equalsIgnoreCase(t.getTransport()));
  }

  /**
   * The decision for a request we send whose first hop is {@code nextHop} (the first route, or
   * the outbound proxy, else the target: {@link SipRequests#nextHop}): secure when we reach it
   * over TLS ({@link SipTransport#of}).
   */
  static SdesDecision forNextHop(SrtpPolicy policy, URI nextHop) {
    return new SdesDecision(policy, "tls".equals(SipTransport.of(nextHop)));
  }

  boolean secure() {
    return secure;
  }

  /** How our offer (INVITE or re-INVITE) is made. */
  Offer offer() {
    return switch (policy) {
      case OFF -> Offer.PLAIN;
      case OPTIONAL -> secure ? Offer.BEST_EFFORT : Offer.PLAIN;
      case REQUIRED -> secure ? Offer.SAVP : Offer.REFUSED;
    };
  }

  /**
   * How our re-offer (a re-INVITE: hold, resume, refresh, re-anchoring after a failover) makes
   * SRTP: as the call's media is ({@code srtpMedia}, the journal's flag), in the profile
   * negotiated on this node ({@code savp}), or in RTP/SAVP on a node that has not negotiated it
   * itself (after a failover). An SRTP call whose signaling is no longer TLS cannot re-offer.
   */
  Offer reoffer(boolean srtpMedia, Optional<Boolean> savp) {
    if (!srtpMedia) {
      return Offer.PLAIN;
    }
    if (!secure) {
      return Offer.REFUSED;
    }
    return savp.orElse(true) ? Offer.SAVP : Offer.BEST_EFFORT;
  }

  /** What we answer to a peer's offer. */
  Outcome offerReceived(Sdp.Remote offer) {
    if (policy == SrtpPolicy.REQUIRED && !secure) {
      return Outcome.refused("SRTP required but the signaling is not TLS");
    }
    if (offer.savp()) {
      if (policy == SrtpPolicy.OFF) {
        return Outcome.refused("SRTP is off on this gateway: offer RTP/AVP");
      }
      if (!secure) {
        return Outcome.refused("SDES keys are taken only over TLS: offer RTP/AVP");
      }
      return usable(offer).map(c -> Outcome.srtp(c, true)).orElse(
          Outcome.refused("no usable crypto: offer AES_CM_128_HMAC_SHA1_80 or _32"
              + " with an inline key and no MKI"));
    }
    Optional<Sdp.Crypto> crypto =
        policy == SrtpPolicy.OFF || !secure ? Optional.empty() : usable(offer);
    if (crypto.isPresent()) {
      return Outcome.srtp(crypto.get(), false);
    }
    return policy == SrtpPolicy.REQUIRED
        ? Outcome.refused("SRTP required: offer RTP/SAVP with a usable crypto line")
        : Outcome.plain();
  }

  /**
   * What the peer's answer to our offer {@code ours} means: SRTP with a crypto line that repeats
   * one of ours (tag and suite), plain RTP when we offered none, a refusal when SRTP is required.
   */
  static Outcome answerReceived(SrtpPolicy policy, Sdp.Remote answer, Offer ours) {
    if (ours == Offer.PLAIN || ours == Offer.REFUSED) {
      // crypto we did not offer is not taken; a node that required SRTP offered none only if
      // it no longer knows its offer, and never lets a plain call through
      return policy == SrtpPolicy.REQUIRED
          ? Outcome.refused("SRTP required but no crypto was offered on this node")
          : Outcome.plain();
    }
    for (Sdp.Crypto c : answer.crypto()) {
      if (c.tag() == tagOf(c.suite())) {
        return Outcome.srtp(c, ours == Offer.SAVP);
      }
    }
    return policy == SrtpPolicy.REQUIRED
        ? Outcome.refused("SRTP required but the answer has no usable crypto")
        : Outcome.plain();
  }

  /** The tag of our crypto line of {@code suite}. */
  static int tagOf(SrtpSuite suite) {
    return suite == SrtpSuite.AES_CM_128_HMAC_SHA1_80 ? TAG_80 : TAG_32;
  }

  /** The peer's first crypto line we can use (in its order of preference). */
  private static Optional<Sdp.Crypto> usable(Sdp.Remote offer) {
    return offer.crypto().stream().findFirst();
  }
}
