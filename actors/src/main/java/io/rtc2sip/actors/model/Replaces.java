package io.rtc2sip.actors.model;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The value of a SIP {@code Replaces} header (RFC 3891): the dialog an INVITE is to replace,
 * named from the point of view of the UA that receives the INVITE ({@code toTag} is that UA's
 * own tag, {@code fromTag} its peer's).
 *
 * @param callId the dialog's Call-ID
 * @param toTag the tag of the UA that receives the INVITE with Replaces
 * @param fromTag the tag of that UA's peer in the dialog
 * @param earlyOnly {@code early-only}: replace the dialog only while it is early
 */
public record Replaces(String callId, String toTag, String fromTag, boolean earlyOnly) {

  /** A Call-ID (RFC 3261 25.1 {@code word ["@" word]}). */
  private static final java.util.regex.Pattern CALL_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+"
          + "(@[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+)?");
  /** A tag ({@code token}). */
  private static final java.util.regex.Pattern TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9\\-.!%*_+`'~]+");

  public Replaces {
    if (blank(callId) || blank(toTag) || blank(fromTag)) {
      throw new IllegalArgumentException("Replaces needs a Call-ID, a to-tag and a from-tag");
    }
    // the value goes into our INVITE's header: nothing but what the grammar allows (no CR, LF,
    // ';' or ',' smuggled in through a %-escaped Refer-To)
    if (!CALL_ID.matcher(callId).matches() || !TOKEN.matcher(toTag).matches()
        || !TOKEN.matcher(fromTag).matches()) {
      throw new IllegalArgumentException("Replaces with a Call-ID or tag outside RFC 3261's"
          + " grammar");
    }
  }

  /**
   * The Replaces that names {@code dialog} for its peer: the peer's tag is the to-tag (the peer
   * receives the INVITE), ours the from-tag. Empty for a dialog without the peer's tag.
   */
  public static Optional<Replaces> forPeerOf(SipDialog dialog) {
    if (dialog == null || blank(dialog.remoteTag())) {
      return Optional.empty();
    }
    return Optional.of(new Replaces(dialog.callId(), dialog.remoteTag(), dialog.localTag(),
        false));
  }

  /** Whether this names {@code dialog} as we keep it: its Call-ID, our tag, the peer's tag. */
  public boolean names(SipDialog dialog) {
    return dialog != null && callId.equals(dialog.callId()) && toTag.equals(dialog.localTag())
        && fromTag.equals(dialog.remoteTag());
  }

  /** The header value: {@code call-id;to-tag=...;from-tag=...[;early-only]}. */
  public String headerValue() {
    return callId + ";to-tag=" + toTag + ";from-tag=" + fromTag + (earlyOnly ? ";early-only" : "");
  }

  /**
   * The header value escaped for a SIP URI header ({@code ?Replaces=...}, RFC 3261 19.1.1 and 25:
   * only unreserved characters and {@code []/?:+$} stay, everything else is %-escaped).
   */
  public String uriEscaped() {
    StringBuilder out = new StringBuilder();
    for (byte b : headerValue().getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-_.!~*'()[]/?:+$".indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return out.toString();
  }

  /**
   * Reads a Replaces header value; parameters other than the tags and {@code early-only} are
   * ignored (RFC 3891 6.1 allows extensions).
   *
   * @throws IllegalArgumentException when it has no Call-ID or lacks a tag
   */
  public static Replaces parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("no Replaces value");
    }
    String[] parts = value.trim().split(";");
    String callId = parts[0].trim();
    String to = null;
    String from = null;
    boolean early = false;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? null : p.substring(eq + 1).trim();
      switch (name) {
        case "to-tag" -> to = v;
        case "from-tag" -> from = v;
        case "early-only" -> early = true;
        default -> { }
      }
    }
    if (callId.isEmpty() || callId.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("Replaces without a Call-ID: " + value);
    }
    return new Replaces(callId, to, from, early);
  }

  /** {@link #parse} of a value taken from a URI header ({@code %}-escaped). */
  public static Replaces parseEscaped(String escaped) {
    String plain;
    try {
      plain = URLDecoder.decode(escaped.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad escape in Replaces: " + escaped, e);
    }
    return parse(plain);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
