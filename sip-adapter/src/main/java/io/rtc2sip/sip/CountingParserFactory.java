package io.rtc2sip.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;

/**
 * The stack's parser, counting what it refuses, and not parsing at all what a banned source
 * sends (so a banned flood costs a table lookup per datagram). A datagram that does not parse, or lacks a
 * header every SIP message has (From, To, Call-ID, CSeq, Via), or names a Via port no socket can
 * have, is refused as a parse error and
 * reported to the node's {@link SipGuard} (counted, and
 * logged in summary per source); an error inside the parser is turned into a parse error, so
 * the stack rejects the datagram quietly instead of logging its whole receive buffer with a
 * stack trace (which is what 100,000 fuzzed datagrams turned into 1.5 GB of log).
 */
public final class CountingParserFactory implements MessageParserFactory {
  private final StringMsgParserFactory parsers = new StringMsgParserFactory();

  @Override
  public MessageParser createMessageParser(SIPTransactionStack stack) {
    MessageParser parser = parsers.createMessageParser(stack);
    return (bytes, readBody, strict, listener) -> {
      SipGuard guard = SipGuard.of(stack);
      if (guard != null && listener instanceof MessageChannel c
          && guard.bannedBeforeParsing(c.getPeerAddress())) {
        return null; // the stack drops a datagram that parses to nothing, silently
      }
      SIPMessage m;
      try {
        m = parser.parseSIPMessage(bytes, readBody, strict, listener);
      } catch (ParseException e) {
        refused(stack, listener);
        throw e;
      } catch (RuntimeException | StackOverflowError e) {
        refused(stack, listener);
        throw new ParseException("unparseable SIP message: " + e.getClass().getSimpleName(), 0);
      }
      if (m != null && (m.getFrom() == null || m.getTo() == null || m.getCallId() == null
          || m.getCSeq() == null || m.getViaHeaders() == null)) {
        // the stack would trip over the missing header further on and dump the datagram
        refused(stack, listener);
        throw new ParseException("a required header is missing", 0);
      }
      if (m != null && !viaPortsValid(m)) {
        // responses go to the Via's port: the stack's timers would fail on it, with a stack
        // trace, at every retransmission
        refused(stack, listener);
        throw new ParseException("a Via port out of 1-65535", 0);
      }
      return m;
    };
  }

  private static boolean viaPortsValid(SIPMessage m) {
    for (var via : m.getViaHeaders()) {
      int port = ((gov.nist.javax.sip.header.Via) via).getPort();
      if (port != -1 && (port < 1 || port > 65535)) {
        return false;
      }
    }
    return true;
  }

  private static void refused(SIPTransactionStack stack, ParseExceptionListener listener) {
    SipGuard guard = SipGuard.of(stack);
    if (guard != null) {
      guard.malformed(listener instanceof MessageChannel c ? c.getPeerAddress() : "?");
    }
  }
}
