package io.rtc2sip.sip;

import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.port.SrtpSuite;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Vector;
import javax.sdp.Attribute;
import javax.sdp.Connection;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SdpParseException;
import javax.sdp.SessionDescription;

/**
 * SDP offer/answer for G.711 audio with telephone-event (RFC 3264, RFC 4733), read and written
 * with the javax.sdp API. We offer PCMA and PCMU; we answer with the first of the peer's formats
 * we support. SRTP with SDES (RFC 4568): our offers may carry crypto lines for both suites with
 * our key (profile RTP/AVP or RTP/SAVP, {@link SdesDecision}); a peer's usable crypto lines are
 * read in its order, and our answer repeats the chosen tag and suite with our own key.
 */
final class Sdp {

  /**
   * The o= line's session id and version of our SDP (RFC 4566 5.2). In one call the session id
   * stays and the version grows with each SDP we send (RFC 3264 8), also after the call moved to
   * another node.
   */
  record Origin(long sessionId, long version) {}

  /**
   * The o= session id of our SDP in call {@code callId}: the same on every node (String's hash is
   * specified), positive, and below 2^31 for peers that read it as a 32-bit number.
   */
  static long sessionId(String callId) {
    return (callId.hashCode() & 0x7fffffffL) % 0x7fffffffL + 1;
  }

  /**
   * What a peer's SDP says: where its RTP goes, the codec, the direction, whether its profile is
   * SRTP's ({@code savp}: RTP/SAVP) and its usable crypto lines, in its order of preference.
   */
  record Remote(InetSocketAddress rtp, NegotiatedMedia media, SdpDirection direction,
      boolean savp, List<Crypto> crypto) {
    Remote(InetSocketAddress rtp, NegotiatedMedia media, SdpDirection direction) {
      this(rtp, media, direction, false, List.of());
    }

    Remote {
      crypto = List.copyOf(crypto);
    }

    /** The same with the call's media marked SRTP or plain, as decided. */
    Remote srtp(boolean on) {
      return new Remote(rtp, media.withSrtp(on), direction, savp, crypto);
    }
  }

  /**
   * A crypto attribute (RFC 4568 9.1) we can use: its tag, suite and the key it carries (the
   * peer's in what we read).
   */
  record Crypto(int tag, SrtpSuite suite, SdesKey key) {
    @Override
    public String toString() {
      return "Crypto[" + tag + " " + suite + " inline:[redacted]]";
    }
  }

  private static final SdpFactory FACTORY = SdpFactory.getInstance();

  private Sdp() {}

  /** Our offer (initial INVITE) with {@code direction}, plain RTP. */
  static String offer(InetSocketAddress local, Origin origin, SdpDirection direction) {
    return offer(local, origin, direction, false, List.of());
  }

  /**
   * Our offer (initial INVITE) with {@code direction}, in RTP/SAVP when {@code savp}, with {@code
   * crypto} lines (values of {@code a=crypto}, {@link #offeredCrypto}).
   */
  static String offer(InetSocketAddress local, Origin origin, SdpDirection direction,
      boolean savp, List<String> crypto) {
    return session(local, origin)
        + "m=audio " + local.getPort() + " " + profile(savp) + " 8 0 101\r\n"
        + "a=rtpmap:8 PCMA/8000\r\n"
        + "a=rtpmap:0 PCMU/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\n"
        + "a=fmtp:101 0-16\r\n"
        + cryptoLines(crypto)
        + "a=ptime:20\r\n"
        + "a=" + direction.name().toLowerCase(Locale.ROOT) + "\r\n";
  }

  /** The crypto lines of an offer with our key {@code key}: the 80-bit tag suite first. */
  static List<String> offeredCrypto(SdesKey key) {
    return List.of(
        SdesDecision.TAG_80 + " " + SrtpSuite.AES_CM_128_HMAC_SHA1_80 + " inline:" + key.base64(),
        SdesDecision.TAG_32 + " " + SrtpSuite.AES_CM_128_HMAC_SHA1_32 + " inline:" + key.base64());
  }

  /** The crypto line of an answer: the tag and suite the peer offered, with our key. */
  static List<String> answeredCrypto(Crypto chosen, SdesKey key) {
    return List.of(chosen.tag() + " " + chosen.suite() + " inline:" + key.base64());
  }

  private static String profile(boolean savp) {
    return savp ? "RTP/SAVP" : "RTP/AVP";
  }

  private static String cryptoLines(List<String> crypto) {
    StringBuilder lines = new StringBuilder();
    for (String c : crypto) {
      lines.append("a=crypto:").append(c).append("\r\n");
    }
    return lines.toString();
  }

  /** Our answer: exactly the negotiated codec (and telephone-event) in {@code direction}. */
  static String answer(
      InetSocketAddress local, Origin origin, NegotiatedMedia media, SdpDirection direction) {
    return answer(local, origin, media, direction, false, List.of());
  }

  /**
   * Our answer (or the re-offer of a call's codec in a re-INVITE): the negotiated codec in
   * {@code direction}, in RTP/SAVP when {@code savp}, with {@code crypto} lines.
   */
  static String answer(InetSocketAddress local, Origin origin, NegotiatedMedia media,
      SdpDirection direction, boolean savp, List<String> crypto) {
    StringBuilder sdp = new StringBuilder(session(local, origin));
    sdp.append("m=audio ").append(local.getPort()).append(' ').append(profile(savp)).append(' ')
        .append(media.payloadType());
    if (media.telephoneEventPayloadType() >= 0) {
      sdp.append(' ').append(media.telephoneEventPayloadType());
    }
    sdp.append("\r\na=rtpmap:").append(media.payloadType()).append(' ').append(media.codec())
        .append('/').append(media.clockRate()).append("\r\n");
    if (media.telephoneEventPayloadType() >= 0) {
      sdp.append("a=rtpmap:").append(media.telephoneEventPayloadType())
          .append(" telephone-event/8000\r\na=fmtp:").append(media.telephoneEventPayloadType())
          .append(" 0-16\r\n");
    }
    sdp.append(cryptoLines(crypto));
    sdp.append("a=ptime:20\r\na=").append(direction.name().toLowerCase(Locale.ROOT)).append("\r\n");
    return sdp.toString();
  }

  /** The direction we answer an offer with (RFC 3264 section 6.1), given our own hold. */
  static SdpDirection answerDirection(SdpDirection offered, boolean localHold) {
    boolean peerSends = offered == SdpDirection.SENDRECV || offered == SdpDirection.SENDONLY;
    boolean peerReceives = offered == SdpDirection.SENDRECV || offered == SdpDirection.RECVONLY;
    boolean weSend = peerReceives;
    boolean weReceive = peerSends && !localHold;
    if (weSend && weReceive) {
      return SdpDirection.SENDRECV;
    }
    if (weSend) {
      return SdpDirection.SENDONLY;
    }
    return weReceive ? SdpDirection.RECVONLY : SdpDirection.INACTIVE;
  }

  /**
   * Reads a peer's SDP and picks the codec: the first audio format we support. Empty when the
   * SDP has no audio we can use (the caller answers 488).
   *
   * @throws SdpParseException when the body is not SDP
   */
  static Optional<Remote> read(String body) throws SdpException {
    checkLines(body);
    SessionDescription sd = FACTORY.createSessionDescription(body);
    @SuppressWarnings("unchecked")
    Vector<MediaDescription> medias = sd.getMediaDescriptions(false);
    if (medias == null) {
      return Optional.empty();
    }
    for (MediaDescription md : medias) {
      if (!"audio".equals(md.getMedia().getMediaType()) || md.getMedia().getMediaPort() == 0) {
        continue;
      }
      Map<Integer, String> rtpmap = rtpmap(md);
      int telephoneEvent = -1;
      for (var e : rtpmap.entrySet()) {
        if (e.getValue().startsWith("telephone-event/")) {
          telephoneEvent = e.getKey();
        }
      }
      NegotiatedMedia chosen = null;
      for (Object f : md.getMedia().getMediaFormats(false)) {
        int pt = Integer.parseInt(f.toString().trim());
        String name = rtpmap.getOrDefault(pt, pt == 0 ? "PCMU/8000" : pt == 8 ? "PCMA/8000" : "");
        String codec = name.split("/")[0].toUpperCase(Locale.ROOT);
        if (codec.equals("PCMA") || codec.equals("PCMU")) {
          chosen = new NegotiatedMedia(codec, pt, 8000, telephoneEvent, false);
          break;
        }
      }
      if (chosen == null) {
        return Optional.empty();
      }
      Connection c = md.getConnection() != null ? md.getConnection() : sd.getConnection();
      if (c == null) {
        return Optional.empty();
      }
      InetSocketAddress rtp =
          new InetSocketAddress(literal(c.getAddress()), md.getMedia().getMediaPort());
      String protocol = md.getMedia().getProtocol();
      boolean savp = protocol != null && protocol.toUpperCase(Locale.ROOT).contains("SAVP");
      return Optional.of(new Remote(rtp, chosen, direction(md, sd), savp, crypto(md)));
    }
    return Optional.empty();
  }

  /**
   * A peer's SDP body ({@link #read(String)}); empty without a body.
   *
   * @throws SdpException when the body is not SDP or names a host instead of an address
   */
  static Optional<Remote> read(javax.sip.message.Message m) throws SdpException {
    byte[] body = m.getRawContent();
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    return read(new String(body, java.nio.charset.StandardCharsets.UTF_8));
  }

  private static final java.util.regex.Pattern CRYPTO = java.util.regex.Pattern.compile(
      "(\\d{1,9}) ([A-Za-z0-9_]+) inline:([A-Za-z0-9+/=]+)((?:\\|[^|\\s]+){0,2})");
  private static final java.util.regex.Pattern LIFETIME =
      java.util.regex.Pattern.compile("\\|(?:2\\^\\d{1,2}|\\d{1,20})");

  /**
   * The usable crypto lines of a media description, in order. A line is skipped (RFC 4568 7.1.1:
   * the answerer picks one it supports) when its suite is not one of ours, its key is not 30
   * bytes of base64, it carries an MKI (packets would carry it; we do not) or more than one key,
   * or it has session parameters. A lifetime is accepted; keys are never re-keyed on its account.
   */
  @SuppressWarnings("unchecked")
  private static List<Crypto> crypto(MediaDescription md) throws SdpParseException {
    List<Crypto> out = new ArrayList<>();
    Vector<Attribute> attributes = md.getAttributes(false);
    if (attributes == null) {
      return out;
    }
    for (Attribute a : attributes) {
      if (!"crypto".equalsIgnoreCase(a.getName()) || a.getValue() == null) {
        continue;
      }
      java.util.regex.Matcher m = CRYPTO.matcher(a.getValue().trim());
      if (!m.matches() || !m.group(4).isEmpty() && !LIFETIME.matcher(m.group(4)).matches()) {
        continue; // malformed, an MKI, session parameters or several keys
      }
      Optional<SrtpSuite> suite = SrtpSuite.named(m.group(2));
      Optional<SdesKey> key = SdesKey.fromBase64(m.group(3));
      if (suite.isPresent() && key.isPresent()) {
        out.add(new Crypto(Integer.parseInt(m.group(1)), suite.get(), key.get()));
      }
    }
    return out;
  }

  /** The text of a SIP Warning for an SDP we refused. */
  static String warning(Exception e) {
    String text = e.getMessage() == null ? "unreadable SDP"
        : SipRedaction.redact(e.getMessage());
    text = text.replaceAll("[\\p{Cntrl}\"\\\\]", " ");
    return text.length() > 100 ? text.substring(0, 100) : text;
  }

  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1?\\d?\\d)";
  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final java.util.regex.Pattern IPV6 =
      java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /**
   * The address of a c= line, which must be an IP literal: a host name would be looked up in DNS
   * on the SIP thread (a slow or hostile DNS server would stall the stack), so it is refused and
   * the caller answers 488.
   */
  static java.net.InetAddress literal(String address) throws SdpException {
    String a = address == null ? "" : address.trim();
    boolean v4 = IPV4.matcher(a).matches();
    boolean v6 = !v4 && a.indexOf(':') >= 0 && IPV6.matcher(a).matches();
    if (!v4 && !v6) {
      throw new SdpException("the connection address must be an IP address, not "
          + (a.length() > 40 ? a.substring(0, 40) + "..." : a));
    }
    try {
      return java.net.InetAddress.getByName(a); // a literal: parsed, never looked up
    } catch (java.net.UnknownHostException e) {
      throw new SdpException("not an IP address: " + a);
    }
  }

  /** The line types of RFC 4566 (and the obsolete ones the library still reads). */
  private static final String LINE_TYPES = "vosiuepcbtrzkam";

  /**
   * Refuses a line that is not {@code <type>=<value>} of a known type: the library prints the
   * stack trace of such a line to standard error, which a flood of INVITEs would turn into
   * megabytes of log.
   */
  private static void checkLines(String body) throws SdpParseException {
    int start = 0;
    while (start < body.length()) {
      int end = body.indexOf('\n', start);
      if (end < 0) {
        end = body.length();
      }
      String line = body.substring(start, end).strip();
      if (!line.isEmpty() && (line.length() < 2 || line.charAt(1) != '='
          || LINE_TYPES.indexOf(line.charAt(0)) < 0 || !wellFormed(line))) {
        String redacted = SipRedaction.redact(line);
        String shown = redacted.length() > 40 ? redacted.substring(0, 40) + "..." : redacted;
        throw new SdpParseException(0, 0, "not an SDP line: " + shown.replaceAll("\\p{Cntrl}", "?"));
      }
      start = end + 1;
    }
  }

  private static final java.util.regex.Pattern M_LINE = java.util.regex.Pattern.compile(
      "m=[a-z]+ \\d{1,5}(/\\d{1,5})? [A-Za-z0-9/]+( [A-Za-z0-9*-]+)*");
  private static final java.util.regex.Pattern C_LINE = java.util.regex.Pattern.compile(
      "c=IN IP[46] [0-9A-Za-z.:-]+(/\\d{1,3}){0,2}");
  private static final java.util.regex.Pattern O_LINE = java.util.regex.Pattern.compile(
      "o=\\S+ \\d+ \\d+ IN IP[46] \\S+");

  /** The grammar of the lines we read (m=, c=, o=); other lines are the library's to read. */
  private static boolean wellFormed(String line) {
    return switch (line.charAt(0)) {
      case 'm' -> M_LINE.matcher(line).matches();
      case 'c' -> C_LINE.matcher(line).matches();
      case 'o' -> O_LINE.matcher(line).matches();
      default -> true;
    };
  }

  private static Map<Integer, String> rtpmap(MediaDescription md) throws SdpParseException {
    Map<Integer, String> map = new HashMap<>();
    @SuppressWarnings("unchecked")
    Vector<Attribute> attributes = md.getAttributes(false);
    if (attributes != null) {
      for (Attribute a : attributes) {
        if ("rtpmap".equals(a.getName()) && a.getValue() != null) {
          String[] parts = a.getValue().trim().split("\\s+", 2);
          if (parts.length == 2) {
            map.put(Integer.parseInt(parts[0]), parts[1]);
          }
        }
      }
    }
    return map;
  }

  @SuppressWarnings("unchecked")
  private static SdpDirection direction(MediaDescription md, SessionDescription sd)
      throws SdpParseException {
    SdpDirection d = direction((Vector<Attribute>) md.getAttributes(false));
    if (d == null) {
      d = direction((Vector<Attribute>) sd.getAttributes(false));
    }
    return d == null ? SdpDirection.SENDRECV : d;
  }

  private static SdpDirection direction(Vector<Attribute> attributes) throws SdpParseException {
    if (attributes != null) {
      for (Attribute a : attributes) {
        switch (a.getName()) {
          case "sendrecv", "sendonly", "recvonly", "inactive" -> {
            return SdpDirection.valueOf(a.getName().toUpperCase(Locale.ROOT));
          }
          default -> { }
        }
      }
    }
    return null;
  }

  private static String session(InetSocketAddress local, Origin origin) {
    String host = local.getAddress().getHostAddress();
    return "v=0\r\n"
        + "o=rtc2sip " + origin.sessionId() + " " + origin.version() + " IN IP4 " + host + "\r\n"
        + "s=rtc2sip\r\n"
        + "c=IN IP4 " + host + "\r\n"
        + "t=0 0\r\n";
  }
}
