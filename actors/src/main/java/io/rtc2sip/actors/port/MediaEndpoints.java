package io.rtc2sip.actors.port;

import io.rtc2sip.actors.model.NegotiatedMedia;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The RTP endpoints of the calls on this node, shared by the SIP adapter (which writes and reads
 * SDP) and the media bridge (which owns the sockets). Node-local and synchronous: the SIP adapter
 * needs the local address while it builds an offer or answer. Addresses never reach the journal:
 * a call recovered on another node gets a new local address and re-offers it.
 *
 * <p>The SDES keys of SRTP on the SIP leg (RFC 4568) go the same way: the journal only knows that
 * the call's media is SRTP ({@link NegotiatedMedia#srtp()}). Our key is made by the node that
 * runs the call's media on first use and zeroed at {@link #release}; a call recovered on another
 * node offers that node's key in its re-INVITE, and the peer's answer brings the peer's key.
 */
public interface MediaEndpoints {

  /**
   * The local RTP address of {@code callId} on this node, reserved on first use (the RTCP port is
   * the next one). Empty when no port is free in the configured range.
   */
  Optional<InetSocketAddress> localRtp(String callId);

  /**
   * The SDES key (key and salt) this node sends {@code callId}'s SRTP with, made on first use and
   * kept until {@link #release}, which zeroes it. It belongs to the media: callers put it into
   * SDP and neither keep nor destroy it. Empty when no port is free (as {@link #localRtp}).
   */
  Optional<SdesKey> localSdesKey(String callId);

  /** {@link #remoteDescribed(String, InetSocketAddress, NegotiatedMedia, Optional)}, plain RTP. */
  default void remoteDescribed(String callId, InetSocketAddress remoteRtp, NegotiatedMedia media) {
    remoteDescribed(callId, remoteRtp, media, Optional.empty());
  }

  /**
   * What the peer's SDP (offer or answer) said: where to send RTP, with which codec, and, for
   * SRTP, the suite and the peer's key ({@code srtp}; empty: plain RTP). Called again on every
   * re-INVITE that changes it. The media keeps its own copy of the key.
   */
  void remoteDescribed(String callId, InetSocketAddress remoteRtp, NegotiatedMedia media,
      Optional<SdesCrypto> srtp);

  /** Frees the call's ports when its media ends (also when it never started). */
  void release(String callId);
}
