package io.rtc2sip.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import io.rtc2sip.actors.call.CallIds;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every SIP message the stack sends or receives, to logger {@code io.rtc2sip.sip.traffic}: the
 * first line at DEBUG, the whole message at TRACE, with the call id in the MDC.
 */
public final class Slf4jServerLogger implements ServerLogger {
  private static final Logger log = LoggerFactory.getLogger("io.rtc2sip.sip.traffic");

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
    if (!log.isDebugEnabled()) {
      return;
    }
    MDC.put("callId", callIdOf(message));
    try {
      if (log.isTraceEnabled()) {
        log.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message.encode());
      } else {
        log.debug("{} {} -> {}: {}", sender ? "sent" : "received", from, to,
            message.getFirstLine().trim());
      }
    } finally {
      MDC.remove("callId");
    }
  }

  static String callIdOf(SIPMessage message) {
    if (message.getCallId() == null) {
      return "";
    }
    String sipCallId = message.getCallId().getCallId();
    String fromTag = message.getFromTag();
    return CallIds.fromSipCallId(sipCallId)
        .orElseGet(() -> fromTag == null || fromTag.isEmpty()
            ? "" : CallIds.forInbound(sipCallId, fromTag));
  }

  @Override
  public void logException(Exception ex) {
    log.warn("SIP stack: {}", ex.toString());
  }

  @Override
  public void setStackProperties(Properties stackProperties) {}

  @Override
  public void setSipStack(SipStack sipStack) {}
}
