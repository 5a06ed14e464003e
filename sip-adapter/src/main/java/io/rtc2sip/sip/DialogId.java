package io.rtc2sip.sip;

import io.rtc2sip.actors.model.SipDialog;
import java.util.Objects;

/**
 * Who a dialog is, as far as a request from the peer must prove it (RFC 3261 12.2.2): the SIP
 * Call-ID, our tag (the To-tag of the peer's requests), the peer's tag (their From-tag) and the
 * highest CSeq the peer has used in it.
 *
 * @param remoteTag null while the peer's tag is not known (an outbound INVITE before a tagged
 *     response): then no request from the peer belongs to the dialog yet
 * @param remoteCseq 0 while the peer has sent no request in the dialog
 */
record DialogId(String sipCallId, String localTag, String remoteTag, long remoteCseq) {

  /** What to do with a request from the peer. */
  enum Verdict {
    /** It belongs to the dialog and comes in order: it may reach the call. */
    ACCEPT,
    /** Another dialog (Call-ID or a tag differs): 481 Call/Transaction Does Not Exist. */
    OTHER_DIALOG,
    /** The dialog's, but with a CSeq not above the last one: 500, out of order (12.2.2). */
    OUT_OF_ORDER
  }

  DialogId {
    Objects.requireNonNull(sipCallId, "sipCallId");
    Objects.requireNonNull(localTag, "localTag");
  }

  /** The identity the call keeps of {@code dialog}, e.g. after a failover. */
  static DialogId of(SipDialog dialog) {
    return new DialogId(dialog.callId(), dialog.localTag(), dialog.remoteTag(),
        dialog.remoteCseq());
  }

  /**
   * Whether a request from the peer with this Call-ID, From-tag, To-tag and CSeq number belongs
   * to the dialog.
   */
  Verdict check(String callId, String fromTag, String toTag, long cseq) {
    if (!sipCallId.equals(callId) || remoteTag == null || !remoteTag.equals(fromTag)
        || !localTag.equals(toTag)) {
      return Verdict.OTHER_DIALOG;
    }
    return remoteCseq > 0 && cseq <= remoteCseq ? Verdict.OUT_OF_ORDER : Verdict.ACCEPT;
  }

  /** After the peer's request with {@code cseq} was accepted. */
  DialogId withRemoteCseq(long cseq) {
    return cseq <= remoteCseq ? this : new DialogId(sipCallId, localTag, remoteTag, cseq);
  }

  /** The peer's tag as a response told it (a 2xx's tag replaces an early one). */
  DialogId withRemoteTag(String tag) {
    return tag == null || tag.equals(remoteTag) ? this
        : new DialogId(sipCallId, localTag, tag, remoteCseq);
  }

  /** What the call's dialog adds: the peer's tag once known, a higher CSeq of the peer. */
  DialogId merge(SipDialog dialog) {
    String tag = dialog.remoteTag() != null ? dialog.remoteTag() : remoteTag;
    return new DialogId(sipCallId, dialog.localTag(), tag,
        Math.max(remoteCseq, dialog.remoteCseq()));
  }
}
