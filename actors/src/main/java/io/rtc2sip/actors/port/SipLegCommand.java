package io.rtc2sip.actors.port;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.SipDialog;

/**
 * What a call asks of the SIP adapter (a node-local actor on the node running the call).
 *
 * <p>Every message carries the call id (the sharded entity id) and the full dialog state, so the
 * adapter can act on a dialog it has never seen (after failover) and send its facts back to
 * {@code CallEntity} by entity id. Protocol mechanics stay in the adapter: 100 Trying, ACK,
 * retransmissions, digest challenges, 491 to a re-INVITE that crosses our own, 200 to CANCEL and
 * BYE, 202 to REFER, answering a re-INVITE with the mirrored SDP direction, waiting for a
 * provisional response before sending CANCEL.
 */
public sealed interface SipLegCommand extends CborSerializable {

  /** The call (entity id) this concerns. */
  String callId();

  /** The dialog this concerns, as the call keeps it. */
  SipDialog dialog();

  /**
   * Send an INVITE opening {@code dialog}; the SDP offer comes from the media bridge here. With
   * {@code replaces} (a transfer target named with Replaces by the transferor, RFC 3891) the
   * INVITE carries that Replaces header.
   */
  record Invite(String callId, SipDialog dialog, Party from, Party to, Replaces replaces)
      implements SipLegCommand {
    /** An INVITE that replaces nothing. */
    public Invite(String callId, SipDialog dialog, Party from, Party to) {
      this(callId, dialog, from, to, null);
    }
  }

  /** Send 180 Ringing (or 183 Session Progress with early media) to the pending inbound INVITE. */
  record Ring(String callId, SipDialog dialog, boolean earlyMedia) implements SipLegCommand {}

  /** Answer the pending inbound INVITE with 200 OK; the SDP answer uses {@code media}. */
  record Accept(String callId, SipDialog dialog, NegotiatedMedia media) implements SipLegCommand {}

  /** Reject the pending inbound INVITE with a final status (480, 486, 603...). */
  record Reject(String callId, SipDialog dialog, int status, EndCause cause)
      implements SipLegCommand {}

  /** CANCEL our pending outbound INVITE. */
  record Cancel(String callId, SipDialog dialog, EndCause cause) implements SipLegCommand {}

  /** Send BYE in the dialog, with {@code Reason: Q.850;cause=} from {@code cause}. */
  record Bye(String callId, SipDialog dialog, EndCause cause) implements SipLegCommand {}

  /**
   * Send a re-INVITE in the existing dialog with CSeq {@code dialog.localCseq()}, offering
   * {@code direction}: hold, resume, a retry after 491, or re-anchoring media on a new node.
   */
  record Reinvite(String callId, SipDialog dialog, SdpDirection direction, NegotiatedMedia media)
      implements SipLegCommand {}

  /** Send REFER (blind transfer) to {@code target} in the dialog. */
  record Refer(String callId, SipDialog dialog, String target) implements SipLegCommand {}

  /**
   * DTMF as SIP INFO (application/dtmf-relay): one request per digit, one at a time; the first
   * carries {@code dialog}'s CSeq, each next one the CSeq after.
   */
  record Info(String callId, SipDialog dialog, String digits, int durationMs)
      implements SipLegCommand {}

  /**
   * Report the progress of a transfer the peer asked for (NOTIFY with a message/sipfrag body
   * carrying {@code status}) in the dialog the REFER came in.
   */
  record NotifyTransferProgress(String callId, SipDialog dialog, int status)
      implements SipLegCommand {}
}
