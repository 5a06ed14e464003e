package io.rtc2sip.actors.port;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SdpDirection;

/**
 * What a call asks of the media bridge (node-local: sockets, codec chain and the RTC SDK
 * connection live on the node running the call and are rebuilt on failover). Audio never passes
 * through here; the bridge reports facts back to the call ({@code MediaStarted},
 * {@code MediaTimeout}, {@code MediaDtmfReceived}, {@code RtcPeerLeft}).
 */
public sealed interface MediaCommand extends CborSerializable {

  /** The call (entity id) this concerns. */
  String callId();

  /** Reserve an RTP port and join the RTC channel before SDP is exchanged. */
  record Prepare(String callId, RtcLeg rtc, CallDirection direction) implements MediaCommand {}

  /** Start bridging with the negotiated codec (after answer, or on early media). */
  record Start(String callId, RtcLeg rtc, NegotiatedMedia media) implements MediaCommand {}

  /** Change the media direction (hold, resume) without rebuilding anything. */
  record SetDirection(String callId, SdpDirection direction) implements MediaCommand {}

  /** Send DTMF digits to the SIP side as RFC 4733 events. */
  record SendDtmf(String callId, String digits, int durationMs) implements MediaCommand {}

  /**
   * Rebuild media for a call recovered on this node: new RTP socket, rejoin the RTC channel,
   * same codec; the call re-INVITEs the peer with the new address at the same time.
   */
  record Reanchor(String callId, RtcLeg rtc, NegotiatedMedia media, SdpDirection direction)
      implements MediaCommand {}

  /** Tear down media for the call. */
  record Stop(String callId) implements MediaCommand {}
}
