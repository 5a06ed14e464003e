package io.rtc2sip.sip;

import java.net.InetSocketAddress;
import java.util.Optional;
import javax.sip.message.Response;

/**
 * 183 Session Progress with our SDP for a pending inbound INVITE, so that the caller plays the
 * media we send before the answer (the gateway's ringback for a parked call) rather than a
 * ringing tone of its own. The SDP is the one the 200 OK will carry (the offer's codec, our RTP
 * port, sendrecv). Without 100rel the 183 is sent once, unreliably: a caller that misses it
 * hears nothing new, and the 200 OK's SDP is the answer in any case.
 */
final class EarlyMedia {

  private EarlyMedia() {}

  /** The 183 for {@code pending}, or empty when the call has no RTP port (then 180 is sent). */
  static Optional<Response> sessionProgress(SipContext ctx, String callId, SipLeg leg,
      SipLeg.PendingInvite pending, String localTag) throws Exception {
    Optional<InetSocketAddress> local = ctx.media.localRtp(callId);
    if (local.isEmpty() || leg == null || pending.offer() == null) {
      return Optional.empty();
    }
    Response progress = ctx.requests.response(Response.SESSION_PROGRESS, pending.request(),
        localTag, InboundInvites.userOf(pending.request()));
    ctx.requests.body(progress, Sdp.answer(local.get(), leg.nextSdpOrigin(),
        pending.offer().media(), Sdp.answerDirection(pending.offer().direction(), false)));
    return Optional.of(progress);
  }
}
