package io.rtc2sip.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.metrics.NodeMetrics;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every SIP message the stack sends or receives: counted by method and status in the node's
 * metrics, kept in the SIP trace of its call (the dashboard's drill-down), and logged to
 * {@code io.rtc2sip.sip.traffic}: the first line at DEBUG, the whole message at TRACE, with the
 * call id in the MDC. SDES keys never get that far ({@link SipRedaction}).
 */
public final class Slf4jServerLogger implements ServerLogger {
  private static final Logger log = LoggerFactory.getLogger("io.rtc2sip.sip.traffic");
  private static final Set<String> METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL",
      "OPTIONS", "REGISTER", "INFO", "REFER", "NOTIFY", "SUBSCRIBE", "UPDATE", "PRACK",
      "MESSAGE", "PUBLISH");

  private volatile NodeMetrics metrics;

  @Override
  public void closeLogFile() {}

  @Override
  public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
    logMessage(message, from, to, "", sender);
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender, long time) {
    logMessage(message, from, to, status, sender);
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender) {
    String callId = callIdOf(message);
    NodeMetrics m = metrics;
    if (m != null) {
      count(m, message, sender);
      m.sipTrace().add(callId, Instant.now(), sender, from, to,
          SipRedaction.redact(message.encode()));
    }
    if (!log.isDebugEnabled()) {
      return;
    }
    MDC.put("callId", callId);
    try {
      if (log.isTraceEnabled()) {
        log.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to,
            SipRedaction.redact(message.encode()));
      } else {
        log.debug("{} {} -> {}: {}", sender ? "sent" : "received", from, to,
            message.getFirstLine().trim());
      }
    } finally {
      MDC.remove("callId");
    }
  }

  /** From now on every message is also counted and traced in {@code nodeMetrics}. */
  void observe(NodeMetrics nodeMetrics) {
    this.metrics = nodeMetrics;
  }

  private static void count(NodeMetrics m, SIPMessage message, boolean sender) {
    if (message instanceof SIPRequest request) {
      m.sipRequest(sender, method(request.getMethod()));
    } else if (message instanceof SIPResponse response) {
      m.sipResponse(sender, response.getStatusCode(),
          method(response.getCSeq() == null ? null : response.getCSeq().getMethod()));
    }
  }

  /** A known method, or "other": what scanners send must not create new label values. */
  static String method(String method) {
    return method != null && METHODS.contains(method) ? method : "other";
  }

  static String callIdOf(SIPMessage message) {
    if (message.getCallId() == null) {
      return "";
    }
    String sipCallId = message.getCallId().getCallId();
    String fromTag = message.getFromTag();
    if (sipCallId == null || sipCallId.isEmpty()) {
      return ""; // malformed: the stack refuses it further on
    }
    if (sipCallId.startsWith(DestinationProbes.CALL_ID_PREFIX)) {
      return ""; // our OPTIONS probes would push the calls out of the SIP trace
    }
    return CallIds.fromSipCallId(sipCallId)
        .orElseGet(() -> fromTag == null || fromTag.isEmpty()
            ? "" : CallIds.forInbound(sipCallId, fromTag));
  }

  @Override
  public void logException(Exception ex) {
    log.warn("SIP stack: {}", SipRedaction.redact(ex.toString()));
  }

  @Override
  public void setStackProperties(Properties stackProperties) {}

  @Override
  public void setSipStack(SipStack sipStack) {}
}
