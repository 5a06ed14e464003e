package io.rtc2sip.sip;

import io.rtc2sip.actors.port.SipLegCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTMF to the SIP peer as SIP INFO (application/dtmf-relay, the form PBXs and SBCs read): one
 * request per digit, each sent when the previous one got its final response or timed out, so
 * the digits arrive in order and never overlap in the dialog. The queue is the call's {@link
 * SipLeg}'s.
 */
final class DtmfInfoSender {
  static final String KIND = "INFO";
  private static final Logger log = LoggerFactory.getLogger(DtmfInfoSender.class);

  private final SipContext ctx;

  DtmfInfoSender(SipContext ctx) {
    this.ctx = ctx;
  }

  /** Sends the digits of {@code info}: the first now, the others one after another. */
  void send(SipLegCommand.Info info) throws Exception {
    Deque<Request> requests = new ArrayDeque<>();
    var dialog = info.dialog();
    String user = DialogRequests.userOf(dialog.localUri());
    for (char digit : info.digits().toCharArray()) {
      Request r = ctx.requests.inDialog(dialog, Request.INFO, user);
      r.setContent(("Signal=" + digit + "\r\nDuration=" + info.durationMs() + "\r\n")
              .getBytes(StandardCharsets.US_ASCII),
          ctx.sip.headers.createContentTypeHeader("application", "dtmf-relay"));
      requests.add(r);
      dialog = dialog.nextLocalCseq();
    }
    send(info.callId(), ctx.legs.learn(info.callId(), info.dialog()).queueInfos(requests));
  }

  /** The previous INFO of {@code callId} is done (final response or timeout): send the next. */
  void next(String callId) throws Exception {
    SipLeg leg = ctx.legs.get(callId);
    send(callId, leg == null ? null : leg.nextInfo());
  }

  private void send(String callId, Request r) throws Exception {
    if (r == null) {
      return;
    }
    log.info("DTMF by INFO: {}", new String(r.getRawContent(), StandardCharsets.US_ASCII)
        .lines().findFirst().orElse(""));
    ctx.send(ctx.newTransaction(r, new SipContext.Purpose(callId, KIND, null, null)));
  }
}
