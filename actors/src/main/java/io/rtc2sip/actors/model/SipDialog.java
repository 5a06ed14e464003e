package io.rtc2sip.actors.model;

import java.util.List;

/**
 * The SIP dialog state the gateway needs to keep talking in an existing dialog from any node
 * (RFC 3261 section 12): what a new node puts into a re-INVITE or BYE after failover.
 *
 * @param callId SIP Call-ID
 * @param localTag our tag (From-tag when we are the UAC, To-tag when we are the UAS)
 * @param remoteTag the peer's tag; null until the dialog is (early-)established
 * @param localUri our URI (From of outbound calls, To of inbound calls)
 * @param remoteUri the peer's URI
 * @param remoteTarget the peer's Contact (where in-dialog requests go)
 * @param routeSet Record-Route set in the order used for requests
 * @param localCseq CSeq of the last request we sent in the dialog
 * @param remoteCseq CSeq of the last request the peer sent in the dialog (0 if none)
 * @param sessionRefreshSeconds the session interval when we are the refresher of RFC 4028 session
 *     timers in this dialog (we refresh at half of it); 0 when the peer refreshes or no timer
 */
public record SipDialog(
    String callId,
    String localTag,
    String remoteTag,
    String localUri,
    String remoteUri,
    String remoteTarget,
    List<String> routeSet,
    long localCseq,
    long remoteCseq,
    int sessionRefreshSeconds) {

  public SipDialog {
    if (callId == null || callId.isBlank() || localTag == null || localTag.isBlank()) {
      throw new IllegalArgumentException("a dialog needs a Call-ID and a local tag");
    }
    routeSet = routeSet == null ? List.of() : List.copyOf(routeSet);
    if (sessionRefreshSeconds < 0) {
      throw new IllegalArgumentException("a session interval is not negative");
    }
  }

  /** A dialog without session timers of ours. */
  public SipDialog(String callId, String localTag, String remoteTag, String localUri,
      String remoteUri, String remoteTarget, List<String> routeSet, long localCseq,
      long remoteCseq) {
    this(callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, localCseq,
        remoteCseq, 0);
  }

  /** The dialog of an INVITE we are about to send: CSeq 1, no remote tag yet. */
  public static SipDialog outgoing(String callId, String localTag, String localUri, String remoteUri) {
    return new SipDialog(callId, localTag, null, localUri, remoteUri, remoteUri, List.of(), 1, 0);
  }

  /** The dialog confirmed by a response carrying the peer's tag, Contact and Record-Route. */
  public SipDialog established(String tag, String target, List<String> routes) {
    return new SipDialog(
        callId,
        localTag,
        tag,
        localUri,
        remoteUri,
        target == null ? remoteTarget : target,
        routes == null ? routeSet : routes,
        localCseq,
        remoteCseq,
        sessionRefreshSeconds);
  }

  /** The dialog after we sent one more request in it (re-INVITE, REFER, BYE). */
  public SipDialog nextLocalCseq() {
    return new SipDialog(
        callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, localCseq + 1,
        remoteCseq, sessionRefreshSeconds);
  }

  /** The dialog after we sent {@code requests} more requests in it (INFOs of several digits). */
  public SipDialog nextLocalCseq(int requests) {
    if (requests < 0) {
      throw new IllegalArgumentException("a number of requests is not negative: " + requests);
    }
    return requests == 0 ? this : new SipDialog(
        callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet,
        localCseq + requests, remoteCseq, sessionRefreshSeconds);
  }

  /** The dialog after the peer sent a request with this CSeq. */
  public SipDialog withRemoteCseq(long cseq) {
    return new SipDialog(
        callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, localCseq,
        Math.max(remoteCseq, cseq), sessionRefreshSeconds);
  }

  /** The dialog after we sent a request with CSeq {@code cseq} in it (if that is higher). */
  public SipDialog withLocalCseqAtLeast(long cseq) {
    return cseq <= localCseq ? this : new SipDialog(
        callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, cseq,
        remoteCseq, sessionRefreshSeconds);
  }

  /** The dialog with us refreshing its session every {@code seconds / 2} (0: we do not). */
  public SipDialog withSessionRefresh(int seconds) {
    return new SipDialog(
        callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, localCseq,
        remoteCseq, seconds);
  }
}
