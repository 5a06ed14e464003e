package io.rtc2sip.sip;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.rtc2sip.sip.access.SourcePolicy;
import io.rtc2sip.sip.access.SourceTally;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.SipStack;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's message valve: every parsed SIP message passes here before the stack looks up or
 * makes a transaction for it. Banned sources, scanners and sources over their rate are dropped
 * (or a scanner answered 403 statelessly) by the {@link SourcePolicy}; ACKs of our own digest
 * challenges end here. Malformed datagrams are reported here by {@link CountingParserFactory}.
 * What was dropped is logged in summary, one line per source every {@code logInterval}.
 */
final class SipGuard implements SIPMessageValve, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SipGuard.class);
  /** The To-tag of our 407/403 answers to INVITEs: their ACKs are ours, not a call's. */
  static final String CHALLENGE_TAG = "rtc2sip-auth";

  private final SourcePolicy policy;
  private final SourceTally tally;
  private final Runnable malformedCounter;
  private final long intervalSeconds;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rtc2sip-sip-guard");
    t.setDaemon(true);
    return t;
  });

  SipGuard(SourcePolicy policy, SourceTally tally, Runnable malformedCounter,
      Duration logInterval) {
    this.policy = policy;
    this.tally = tally;
    this.malformedCounter = malformedCounter;
    this.intervalSeconds = Math.max(1, logInterval.toSeconds());
    timer.scheduleAtFixedRate(this::logSummary, intervalSeconds, intervalSeconds,
        TimeUnit.SECONDS);
  }

  /** Puts this guard in front of {@code stack}'s transaction layer. */
  void install(SipStack stack) {
    ((SIPTransactionStack) stack).sipMessageValves.add(this);
  }

  /** The guard installed in {@code stack}, if any. */
  static SipGuard of(SIPTransactionStack stack) {
    if (stack == null || stack.sipMessageValves == null) {
      return null;
    }
    for (SIPMessageValve v : stack.sipMessageValves) {
      if (v instanceof SipGuard g) {
        return g;
      }
    }
    return null;
  }

  @Override
  public boolean processRequest(SIPRequest request, MessageChannel channel) {
    if (Request.ACK.equals(request.getMethod()) && ackOfChallenge(request)) {
      return false;
    }
    javax.sip.header.Header ua = request.getHeader(UserAgentHeader.NAME);
    SourcePolicy.Verdict v = policy.screen(source(request, channel), true,
        ua instanceof SIPHeader h ? h.getHeaderValue() : null);
    if (v == SourcePolicy.Verdict.FORBID && !Request.ACK.equals(request.getMethod())) {
      forbid(request, channel);
    }
    return v == SourcePolicy.Verdict.PASS;
  }

  @Override
  public boolean processResponse(Response response, MessageChannel channel) {
    InetAddress source = response instanceof SIPResponse r
        ? source(r.getPeerPacketSourceAddress(), channel) : null;
    return policy.screen(source, false, null) == SourcePolicy.Verdict.PASS;
  }

  /** Whether a datagram from {@code peer} (an address literal) is dropped unparsed. */
  boolean bannedBeforeParsing(String peer) {
    try {
      return policy.bannedBeforeParsing(InetAddress.getByName(peer)); // a literal: no DNS
    } catch (Exception e) {
      return false;
    }
  }

  /** A datagram from {@code source} that the parser refused. */
  void malformed(String source) {
    malformedCounter.run();
    tally.add("malformed SIP datagrams", source);
  }

  /** A request the handler could not take ({@code what} names how it was answered). */
  void badRequest(Request request, String what) {
    InetAddress source = request instanceof SIPRequest r ? r.getPeerPacketSourceAddress() : null;
    tally.add(what, source == null ? "?" : source.getHostAddress());
  }

  private static boolean ackOfChallenge(SIPRequest ack) {
    ToHeader to = (ToHeader) ack.getHeader(ToHeader.NAME);
    return to != null && CHALLENGE_TAG.equals(to.getTag());
  }

  private static void forbid(SIPRequest request, MessageChannel channel) {
    try {
      SIPResponse forbidden = request.createResponse(Response.FORBIDDEN);
      if (forbidden.getTo() != null && forbidden.getTo().getTag() == null) {
        forbidden.getTo().setTag(CHALLENGE_TAG);
      }
      channel.sendMessage(forbidden);
    } catch (Exception e) {
      log.debug("403 to a scanner not sent: {}", e.toString());
    }
  }

  private static InetAddress source(SIPRequest request, MessageChannel channel) {
    return source(request.getPeerPacketSourceAddress(), channel);
  }

  private static InetAddress source(InetAddress packetSource, MessageChannel channel) {
    if (packetSource != null) {
      return packetSource;
    }
    try {
      return InetAddress.getByName(channel.getPeerAddress()); // a literal: no DNS
    } catch (Exception e) {
      return null;
    }
  }

  private void logSummary() {
    try {
      for (String line : tally.drain(intervalSeconds)) {
        log.warn(line);
      }
    } catch (RuntimeException e) {
      log.warn("SIP access summary not logged: {}", e.toString());
    }
  }

  @Override
  public void init(SipStack stack) {}

  @Override
  public void destroy() {
    timer.shutdownNow();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    logSummary();
  }
}
