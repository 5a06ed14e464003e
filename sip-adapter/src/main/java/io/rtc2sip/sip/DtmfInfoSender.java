package io.rtc2sip.sip;

import io.rtc2sip.actors.port.SipLegCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTMF to the SIP peer as SIP INFO (application/dtmf-relay, the form PBXs and SBCs read): one
 * request per digit, each sent when the previous one got its final response or timed out, so
 * the digits arrive in order and never overlap in the dialog.
 */
final class DtmfInfoSender {
  static final String KIND = "INFO";
  private static final Logger log = LoggerFactory.getLogger(DtmfInfoSender.class);

  private final SipContext ctx;
  /** Per call: the INFO requests still to send, in order. */
  private final Map<String, Deque<Request>> waiting = new ConcurrentHashMap<>();

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
    boolean idle;
    synchronized (waiting) {
      Deque<Request> queue = waiting.get(info.callId());
      idle = queue == null;
      if (idle) {
        waiting.put(info.callId(), requests);
      } else {
        queue.addAll(requests);
      }
    }
    if (idle) {
      next(info.callId());
    }
  }

  /** The previous INFO of {@code callId} is done (final response or timeout): send the next. */
  void next(String callId) throws Exception {
    Request r;
    synchronized (waiting) {
      Deque<Request> queue = waiting.get(callId);
      r = queue == null ? null : queue.poll();
      if (r == null) {
        waiting.remove(callId);
        return;
      }
    }
    log.info("DTMF by INFO: {}", new String(r.getRawContent(), StandardCharsets.US_ASCII)
        .lines().findFirst().orElse(""));
    ctx.send(ctx.newTransaction(r, new SipContext.Purpose(callId, KIND, null, null)));
  }
}
