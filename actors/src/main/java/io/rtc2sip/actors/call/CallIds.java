package io.rtc2sip.actors.call;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Call ids (the sharded entity ids of calls) and how SIP identifiers map to them, so that any
 * node can route any SIP message or client message to the right call without a lookup:
 *
 * <ul>
 *   <li>calls the gateway starts get {@link #newOutbound()}; their SIP Call-ID is {@link
 *       #sipCallIdFor(String)}, and {@link #fromSipCallId(String)} turns it back into the call id;
 *   <li>calls arriving from SIP get {@link #forInbound(String, String)}: a stable hash of the
 *       peer's Call-ID and From-tag (the tag of the side that sent the initial INVITE, which
 *       stays the From-tag of every request the peer sends in that dialog).
 * </ul>
 *
 * A SIP adapter routes a message by trying {@link #fromSipCallId(String)} first (a dialog we
 * created, including a transfer leg of an inbound call), then our tag ({@link
 * #fromReplacingTag}: a dialog that took a call over with Replaces), then {@link #forInbound};
 * an INVITE with Replaces goes to the call its Replaces names ({@link #forReplaced}).
 */
public final class CallIds {

  private static final String OUTBOUND_PREFIX = "o-";
  private static final String INBOUND_PREFIX = "i-";
  private static final String SIP_SUFFIX = "@rtc2sip";
  private static final char LEG_SEPARATOR = '.';
  private static final char PARTY_SEPARATOR = '/';
  private static final String REPLACING_MARK = ".x";
  private static final java.util.regex.Pattern WELL_FORMED =
      java.util.regex.Pattern.compile("[oi]-[0-9A-Za-z-]{1,64}");

  private CallIds() {}

  /** A fresh id for a call the gateway starts (an RTC client dials out). */
  public static String newOutbound() {
    return OUTBOUND_PREFIX + UUID.randomUUID();
  }

  /** The id of the call opened by an INVITE with this Call-ID and From-tag. */
  public static String forInbound(String sipCallId, String fromTag) {
    if (sipCallId == null || sipCallId.isEmpty() || fromTag == null || fromTag.isEmpty()) {
      throw new IllegalArgumentException("Call-ID and From-tag are required");
    }
    byte[] digest = sha256(sipCallId + '\n' + fromTag);
    return INBOUND_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
  }

  /** The SIP Call-ID of the first dialog the gateway opens for this call. */
  public static String sipCallIdFor(String callId) {
    return sipCallIdFor(callId, 1);
  }

  /**
   * The SIP Call-ID of the {@code leg}-th dialog the gateway opens for this call (a later leg is,
   * for example, the INVITE to a transfer target).
   */
  public static String sipCallIdFor(String callId, int leg) {
    if (callId == null || callId.isEmpty() || callId.indexOf('@') >= 0) {
      throw new IllegalArgumentException("not a call id: " + callId);
    }
    if (leg < 1) {
      throw new IllegalArgumentException("legs count from 1: " + leg);
    }
    return leg == 1 ? callId + SIP_SUFFIX : callId + LEG_SEPARATOR + leg + SIP_SUFFIX;
  }

  /** The call id behind a Call-ID the gateway generated, or empty for a foreign Call-ID. */
  public static Optional<String> fromSipCallId(String sipCallId) {
    if (sipCallId == null || !sipCallId.endsWith(SIP_SUFFIX)) {
      return Optional.empty();
    }
    String base = sipCallId.substring(0, sipCallId.length() - SIP_SUFFIX.length());
    int dot = base.lastIndexOf(LEG_SEPARATOR);
    if (dot > 0 && base.substring(dot + 1).chars().allMatch(Character::isDigit)) {
      base = base.substring(0, dot);
    }
    return isWellFormed(base) ? Optional.of(base) : Optional.empty();
  }

  /**
   * Whether {@code callId} has the shape of a call id: {@code o-} or {@code i-} and 1 to 64 ASCII
   * letters, digits and hyphens. Ids become entity and persistence ids, so anything from outside
   * (a SIP Call-ID, a client's request) is checked with this before it may name a call: a byte
   * the journal refuses (NUL, invalid UTF-8) would make the entity's recovery fail on every try.
   */
  public static boolean isWellFormed(String callId) {
    return callId != null && WELL_FORMED.matcher(callId).matches();
  }

  /**
   * The number of the dialog a Call-ID the gateway generated names ({@link #sipCallIdFor(String,
   * int)}), or empty for a foreign Call-ID.
   */
  public static Optional<Integer> legOfSipCallId(String sipCallId) {
    if (fromSipCallId(sipCallId).isEmpty()) {
      return Optional.empty();
    }
    String base = sipCallId.substring(0, sipCallId.length() - SIP_SUFFIX.length());
    int dot = base.lastIndexOf(LEG_SEPARATOR);
    String digits = dot > 0 ? base.substring(dot + 1) : "";
    if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
      // a Call-ID from outside may carry any number of digits: ours never have more than 4
      return digits.length() <= 4 ? Optional.of(Integer.parseInt(digits)) : Optional.empty();
    }
    return Optional.of(1);
  }

  /**
   * The key of conference party {@code party}'s own SIP leg and media on the node running the
   * call: the call id, a slash and the number. The call's own SIP party is keyed by the call id.
   * The adapters key their per-leg state (dialog bookkeeping, RTP ports) by it and tell the call
   * by {@link #callOfLeg}.
   */
  public static String partyLeg(String callId, int party) {
    if (!isWellFormed(callId)) {
      throw new IllegalArgumentException("not a call id: " + callId);
    }
    if (party < 1) {
      throw new IllegalArgumentException("parties count from 1: " + party);
    }
    return callId + PARTY_SEPARATOR + party;
  }

  /** The call a leg key ({@link #partyLeg}, or a call id) belongs to. */
  public static String callOfLeg(String key) {
    int slash = key.indexOf(PARTY_SEPARATOR);
    return slash < 0 ? key : key.substring(0, slash);
  }

  /** The party number of a leg key, 0 for the call's own leg (a plain call id). */
  public static int partyOfLeg(String key) {
    int slash = key.indexOf(PARTY_SEPARATOR);
    return slash < 0 ? 0 : Integer.parseInt(key.substring(slash + 1));
  }

  /** Whether the gateway generated this Call-ID (it then owns it for RFC 3261 glare timing). */
  public static boolean isOurs(String sipCallId) {
    return fromSipCallId(sipCallId).isPresent();
  }

  /** Our tag in the {@code leg}-th dialog of a call: derived, so a retried request keeps it. */
  public static String localTagFor(String callId, int leg) {
    return HexFormat.of().formatHex(sha256("tag\n" + callId + '\n' + leg), 0, 8);
  }

  /**
   * Our tag in a dialog that took a call over with an INVITE with Replaces (RFC 3891): that
   * dialog has the peer's Call-ID, so our tag carries the call id ({@link #fromReplacingTag}),
   * and {@code unique} (a few random characters) tells the dialogs of one call apart.
   */
  public static String replacingTagFor(String callId, String unique) {
    if (!isWellFormed(callId) || unique == null || !unique.matches("[0-9a-z]{1,16}")) {
      throw new IllegalArgumentException("not a call id and a unique part: " + callId + ", "
          + unique);
    }
    return callId + REPLACING_MARK + unique;
  }

  /** The call id behind a tag made by {@link #replacingTagFor}, or empty for any other tag. */
  public static Optional<String> fromReplacingTag(String tag) {
    int mark = tag == null ? -1 : tag.lastIndexOf(REPLACING_MARK);
    if (mark <= 0 || !tag.substring(mark + REPLACING_MARK.length()).matches("[0-9a-z]{1,16}")) {
      return Optional.empty();
    }
    String base = tag.substring(0, mark);
    return isWellFormed(base) ? Optional.of(base) : Optional.empty();
  }

  /**
   * The call whose dialog a Replaces header names (its Call-ID, and the tags as the receiving
   * side sees them: {@code toTag} ours, {@code fromTag} the peer's): a Call-ID we generated, a
   * dialog that took a call over (our tag), or else a dialog the peer started.
   */
  public static String forReplaced(String sipCallId, String toTag, String fromTag) {
    return fromSipCallId(sipCallId).or(() -> fromReplacingTag(toTag))
        .orElseGet(() -> forInbound(sipCallId, fromTag));
  }

  /** The RTC channel of a call, inbound or outbound: derived from its id, never chosen by a client. */
  public static String rtcChannelFor(String callId) {
    return "call-" + callId;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
