package io.rtc2sip.sip;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JAIN-SIP's stack log into SLF4J (logger {@code gov.nist}; WARN by default in the node). */
public final class Slf4jStackLogger implements StackLogger {
  private static final Logger log = LoggerFactory.getLogger("gov.nist.javax.sip.stack");

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
    log.warn("SIP stack: {}", ex.toString(), ex);
  }

  @Override
  public void logDebug(String message) {
    log.debug(message);
  }

  @Override
  public void logDebug(String message, Exception ex) {
    log.debug(message, ex);
  }

  @Override
  public void logTrace(String message) {
    log.trace(message);
  }

  @Override
  public void logFatalError(String message) {
    log.error(message);
  }

  @Override
  public void logError(String message) {
    log.error(message);
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
    log.error(message, ex);
  }

  @Override
  public void logWarning(String message) {
    log.warn(message);
  }

  @Override
  public void logInfo(String message) {
    log.info(message);
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
