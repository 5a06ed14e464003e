package io.rtc2sip.sip;

import java.text.ParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Message;
import javax.sip.message.Request;

/**
 * Session timers (RFC 4028) as the gateway uses them. Outbound, our INVITE says
 * {@code Supported: timer} and asks for {@code Session-Expires} (rtc2sip.sip.session-expires);
 * when the 2xx makes us the refresher ({@code refresher=uac}), the call re-INVITEs at half the
 * interval. Inbound, an INVITE with a session timer gets it confirmed in our 2xx with
 * {@code Require: timer}: the caller refreshes unless it asked us to ({@code refresher=uas}), an
 * interval below {@link #MIN_SE} is answered 422. Our re-INVITEs carry the timer while we
 * refresh.
 */
final class SessionTimers {
  /** The smallest session interval we accept (RFC 4028's minimum). */
  static final int MIN_SE = 90;
  private static final Pattern VALUE =
      Pattern.compile("\\s*(\\d{1,9})\\s*((?:;[^;]*)*)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern REFRESHER =
      Pattern.compile(";\\s*refresher\\s*=\\s*(uac|uas)\\b", Pattern.CASE_INSENSITIVE);

  private SessionTimers() {}

  /** A {@code Session-Expires} value: the interval and who refreshes (null: not said). */
  record Interval(int seconds, String refresher) {}

  /** The message's {@code Session-Expires} (or compact {@code x}), if present and well formed. */
  static Optional<Interval> of(Message m) {
    Header h = m.getHeader("Session-Expires");
    if (h == null) {
      h = m.getHeader("x");
    }
    return h == null ? Optional.empty() : parse(SipRequests.value(h));
  }

  static Optional<Interval> parse(String value) {
    Matcher v = VALUE.matcher(value);
    if (!v.matches()) {
      return Optional.empty();
    }
    Matcher r = REFRESHER.matcher(v.group(2));
    return Optional.of(new Interval(Integer.parseInt(v.group(1)),
        r.find() ? r.group(1).toLowerCase(Locale.ROOT) : null));
  }

  /** Whether the peer supports (or requires) session timers: option tag {@code timer}. */
  static boolean supported(Message m) {
    return hasTag(m, "Supported") || hasTag(m, "k") || hasTag(m, "Require");
  }

  private static boolean hasTag(Message m, String header) {
    for (Iterator<?> it = m.getHeaders(header); it.hasNext(); ) {
      for (String tag : SipRequests.value((Header) it.next()).split(",")) {
        if (tag.trim().equalsIgnoreCase("timer")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The interval at which we refresh the dialog of this inbound INVITE (0: the caller does). */
  static int refreshOfInbound(Request invite) {
    Optional<Interval> se = of(invite);
    return se.isPresent() && supported(invite) && "uas".equals(se.get().refresher())
        ? se.get().seconds() : 0;
  }

  /** The interval at which we refresh after this 2xx to our INVITE (0: the peer does, or none). */
  static int refreshOfAnswer(Message ok) {
    Optional<Interval> se = of(ok);
    return se.isPresent() && "uac".equals(se.get().refresher()) ? se.get().seconds() : 0;
  }

  /** Our INVITE: {@code Supported: timer} and the interval we ask for (none when 0). */
  static void offer(Request invite, int seconds, HeaderFactory headers) throws ParseException {
    invite.addHeader(headers.createHeader("Supported", "timer"));
    if (seconds > 0) {
      invite.addHeader(headers.createHeader("Session-Expires", Integer.toString(seconds)));
    }
  }

  /** Our re-INVITE while we refresh: the timer goes on with us as refresher. */
  static void refresh(Request reinvite, int seconds, HeaderFactory headers)
      throws ParseException {
    if (seconds > 0) {
      reinvite.addHeader(headers.createHeader("Supported", "timer"));
      reinvite.addHeader(headers.createHeader("Session-Expires", seconds + ";refresher=uac"));
    }
  }

  /**
   * Our 2xx to an INVITE or re-INVITE that asked for a session timer the peer supports: the
   * timer confirmed, with the refresher the request named, or the caller ({@code uac}).
   */
  static void answer(Message ok, Request request, HeaderFactory headers) throws ParseException {
    Optional<Interval> se = of(request);
    if (se.isEmpty() || !supported(request)) {
      return;
    }
    String refresher = se.get().refresher() == null ? "uac" : se.get().refresher();
    ok.addHeader(headers.createHeader("Require", "timer"));
    ok.addHeader(headers.createHeader("Session-Expires",
        se.get().seconds() + ";refresher=" + refresher));
  }

  /**
   * Our INVITE again after {@code 422}: the next CSeq, a new branch, and the peer's
   * {@code Min-SE} as both our interval and our own Min-SE (RFC 4028 section 7.4); empty when
   * the 422 names no usable Min-SE.
   */
  static Optional<Request> retryAfter422(Request invite, Message response, HeaderFactory headers)
      throws ParseException, javax.sip.InvalidArgumentException {
    Header minSe = response.getHeader("Min-SE");
    if (minSe == null) {
      return Optional.empty();
    }
    Optional<Interval> min = parse(SipRequests.value(minSe));
    if (min.isEmpty()) {
      return Optional.empty();
    }
    int seconds = Math.max(min.get().seconds(), of(invite).map(Interval::seconds).orElse(0));
    Request again = (Request) invite.clone();
    javax.sip.header.CSeqHeader cseq = (javax.sip.header.CSeqHeader) again.getHeader("CSeq");
    cseq.setSeqNumber(cseq.getSeqNumber() + 1);
    javax.sip.header.ViaHeader via = (javax.sip.header.ViaHeader) again.getHeader("Via");
    via.setBranch(gov.nist.javax.sip.Utils.getInstance().generateBranchId());
    again.removeHeader("Session-Expires");
    again.removeHeader("Min-SE");
    again.addHeader(headers.createHeader("Session-Expires", Integer.toString(seconds)));
    again.addHeader(headers.createHeader("Min-SE", Integer.toString(min.get().seconds())));
    return Optional.of(again);
  }

  /** Whether the request's interval is below what we accept (answer 422 with Min-SE). */
  static boolean tooSmall(Request request) {
    return of(request).map(i -> i.seconds() < MIN_SE).orElse(false);
  }
}
