package io.rtc2sip.actors.port;

import io.rtc2sip.actors.model.NegotiatedMedia;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The RTP endpoints of the calls on this node, shared by the SIP adapter (which writes and reads
 * SDP) and the media bridge (which owns the sockets). Node-local and synchronous: the SIP adapter
 * needs the local address while it builds an offer or answer. Addresses never reach the journal:
 * a call recovered on another node gets a new local address and re-offers it.
 */
public interface MediaEndpoints {

  /**
   * The local RTP address of {@code callId} on this node, reserved on first use (the RTCP port is
   * the next one). Empty when no port is free in the configured range.
   */
  Optional<InetSocketAddress> localRtp(String callId);

  /**
   * What the peer's SDP (offer or answer) said: where to send RTP and with which codec. Called
   * again on every re-INVITE that changes it.
   */
  void remoteDescribed(String callId, InetSocketAddress remoteRtp, NegotiatedMedia media);

  /** Frees the call's ports when its media ends (also when it never started). */
  void release(String callId);
}
