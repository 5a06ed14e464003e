package io.rtc2sip.sip;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's stack log into SLF4J (logger {@code gov.nist}; WARN by default in the node). The
 * stack's own errors and warnings are what bad input provokes (one per packet, some with the
 * whole receive buffer): each is cut to {@value #MAX_CHARS} characters without its stack trace
 * (kept at DEBUG), and at most {@value #PER_INTERVAL} are logged per
 * {@value #INTERVAL_SECONDS} s, the rest counted in one line.
 */
public final class Slf4jStackLogger implements StackLogger {
  private static final Logger log = LoggerFactory.getLogger("gov.nist.javax.sip.stack");
  static final int MAX_CHARS = 300;
  static final int PER_INTERVAL = 20;
  static final int INTERVAL_SECONDS = 10;

  private final LogBudget budget = new LogBudget(PER_INTERVAL,
      java.time.Duration.ofSeconds(INTERVAL_SECONDS), System::nanoTime);

  @Override
  public void logStackTrace() {}

  @Override
  public void logStackTrace(int traceLevel) {}

  @Override
  public int getLineCount() {
    return 0;
  }

  @Override
  public void logException(Throwable ex) {
    limited(Level.WARN, "SIP stack: " + ex, ex);
  }

  @Override
  public void logDebug(String message) {
    log.debug(SipRedaction.redact(message));
  }

  @Override
  public void logDebug(String message, Exception ex) {
    log.debug(SipRedaction.redact(message), ex);
  }

  @Override
  public void logTrace(String message) {
    log.trace(SipRedaction.redact(message));
  }

  @Override
  public void logFatalError(String message) {
    limited(Level.ERROR, message, null);
  }

  @Override
  public void logError(String message) {
    limited(Level.ERROR, message, null);
  }

  @Override
  public boolean isLoggingEnabled() {
    return log.isInfoEnabled();
  }

  private static final Logger traffic = LoggerFactory.getLogger("io.rtc2sip.sip.traffic");

  @Override
  public boolean isLoggingEnabled(int logLevel) {
    if (logLevel == TRACE_MESSAGES) {
      // the stack then hands every message to Slf4jServerLogger: counted, kept for the
      // dashboard's SIP trace, and logged when io.rtc2sip.sip.traffic is at DEBUG
      return true;
    }
    if (logLevel >= TRACE_DEBUG) {
      return log.isDebugEnabled();
    }
    if (logLevel >= TRACE_INFO) {
      return log.isInfoEnabled();
    }
    return log.isWarnEnabled();
  }

  @Override
  public void logError(String message, Exception ex) {
    limited(Level.ERROR, message, ex);
  }

  @Override
  public void logWarning(String message) {
    limited(Level.WARN, message, null);
  }

  private enum Level { WARN, ERROR }

  private void limited(Level level, String message, Throwable ex) {
    if (level == Level.WARN ? !log.isWarnEnabled() : !log.isErrorEnabled()) {
      return;
    }
    long suppressed = budget.suppressedBeforeThisInterval();
    if (suppressed > 0) {
      log.warn("{} more SIP stack errors and warnings not logged in the last {} s", suppressed,
          INTERVAL_SECONDS);
    }
    if (!budget.take()) {
      return;
    }
    String text = message == null ? "" : SipRedaction.redact(message);
    if (text.length() > MAX_CHARS) {
      text = text.substring(0, MAX_CHARS) + "... (" + text.length() + " characters)";
    }
    if (ex != null) {
      text = text + ": " + SipRedaction.redact(ex.toString());
    }
    Throwable trace = log.isDebugEnabled() ? ex : null;
    if (level == Level.WARN) {
      log.warn(text, trace);
    } else {
      log.error(text, trace);
    }
  }

  @Override
  public void logInfo(String message) {
    log.info(SipRedaction.redact(message));
  }

  @Override
  public void disableLogging() {}

  @Override
  public void enableLogging() {}

  @Override
  public void setBuildTimeStamp(String buildTimeStamp) {}

  @Override
  public void setStackProperties(Properties stackProperties) {}

  @Override
  public String getLoggerName() {
    return "gov.nist.javax.sip.stack";
  }
}
