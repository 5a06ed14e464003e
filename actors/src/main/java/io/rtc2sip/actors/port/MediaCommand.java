package io.rtc2sip.actors.port;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SdpDirection;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a call asks of the media bridge (node-local: sockets, codec chain and the RTC SDK
 * connection live on the node running the call and are rebuilt on failover). Audio never passes
 * through here; the bridge reports facts back to the call ({@code MediaStarted},
 * {@code MediaTimeout}, {@code MediaDtmfReceived}, {@code RtcPeerLeft}, {@code RtcMediaFailed}).
 */
public sealed interface MediaCommand extends CborSerializable {

  /** The call (entity id) this concerns. */
  String callId();

  /**
   * A browser's WebRTC offer for the call's RTC leg: the media answers it with a WebRTC leg on
   * this node (in place of the RTC network's channel) and sends the SDP answer, or the reason it
   * cannot, to {@code replyTo} (the client that brought the offer).
   */
  record BrowserOffer(String sdp, ActorRef<CallReply> replyTo) implements CborSerializable {}

  /**
   * Reserve an RTP port and join the RTC leg before SDP is exchanged: {@code browser}'s WebRTC
   * leg when there is one, else the RTC channel.
   */
  record Prepare(String callId, RtcLeg rtc, CallDirection direction, BrowserOffer browser)
      implements MediaCommand {
    public Prepare(String callId, RtcLeg rtc, CallDirection direction) {
      this(callId, rtc, direction, null);
    }
  }

  /**
   * Start bridging with the negotiated codec (after answer, or on early media); with {@code
   * browser}, over that browser's WebRTC leg.
   */
  record Start(String callId, RtcLeg rtc, NegotiatedMedia media, BrowserOffer browser)
      implements MediaCommand {
    public Start(String callId, RtcLeg rtc, NegotiatedMedia media) {
      this(callId, rtc, media, null);
    }
  }

  /**
   * Play in-band ringback to the SIP caller of a call not yet answered, in {@code media} (the
   * caller's offer), until {@link Start} (the answer) or {@link Stop}: the caller's 183 carries
   * our SDP and the caller hears the gateway's ringing instead of its own.
   */
  record Ringback(String callId, NegotiatedMedia media) implements MediaCommand {}

  /**
   * A conference: mix party {@code party} (a SIP leg of the call, number as in {@code
   * CallIds.sipCallIdFor}) with {@code media} into the call's audio; every party hears the
   * others and not itself.
   */
  record AddParty(String callId, int party, NegotiatedMedia media) implements MediaCommand {}

  /** A conference: party {@code party} left; its leg stops and leaves the mix. */
  record RemoveParty(String callId, int party) implements MediaCommand {}

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

  /**
   * A browser's new offer for the call's RTC leg ({@code rtc}, a browser's): the media answers it
   * with a new WebRTC leg on this node, in place of any the call had, and bridges it.
   */
  record BrowserReoffer(String callId, RtcLeg rtc, BrowserOffer browser)
      implements MediaCommand {}

  /** Tear down media for the call. */
  record Stop(String callId) implements MediaCommand {}
}
