package io.rtc2sip.webrtc;

import io.rtc2sip.webrtc.WebRtcSettings.Codec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the gateway needs of a browser's SDP offer (RFC 8829 style: BUNDLE, rtcp-mux, ICE,
 * DTLS-SRTP): its first audio section's ICE credentials, DTLS fingerprint and role, the codec
 * the answer takes and the direction. {@link #parse} refuses, with a reason a client can show,
 * any offer the gateway cannot answer; nothing else in the SDP is trusted or used.
 *
 * @param mid the audio section's {@code a=mid} (null without one)
 * @param mediaIndex position of the audio section among the offer's m-lines
 * @param sections every m-line of the offer, in order (the answer refuses all but the audio one)
 * @param iceUfrag the browser's ICE username fragment
 * @param icePwd the browser's ICE password
 * @param fingerprintHash hash function of the browser's certificate fingerprint ({@code sha-256})
 * @param fingerprint the fingerprint, upper-case hex pairs separated by colons
 * @param codec the codec the answer takes
 * @param payloadType its payload type in this offer
 * @param direction the offer's direction ({@code sendrecv}, {@code sendonly}, ...)
 */
public record BrowserOffer(
    String mid,
    int mediaIndex,
    List<Media> sections,
    String iceUfrag,
    String icePwd,
    String fingerprintHash,
    String fingerprint,
    Codec codec,
    int payloadType,
    String direction) {

  /** Longest offer read. */
  static final int MAX_LENGTH = 16 * 1024;
  private static final Pattern ICE_CHARS = Pattern.compile("[A-Za-z0-9+/]+");
  /** RFC 8866 token: what a media kind and a mid are; a protocol is tokens joined by '/'. */
  private static final String TOKEN = "[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+";
  private static final Pattern KIND = Pattern.compile(TOKEN);
  private static final Pattern PROTO = Pattern.compile(TOKEN + "(/" + TOKEN + ")*");
  private static final Pattern MID = Pattern.compile("[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]{1,64}");
  private static final Pattern FINGERPRINT = Pattern.compile("([0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2}");
  private static final Map<String, Integer> HASH_BYTES = Map.of(
      "sha-1", 20, "sha-224", 28, "sha-256", 32, "sha-384", 48, "sha-512", 64);

  /** An m-line of the offer: its media kind, protocol and mid (null without one). */
  public record Media(String kind, String proto, String mid) {}

  /** An offer the gateway cannot answer; the message says why. */
  public static final class BadOffer extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadOffer(String reason) {
      super(reason);
    }
  }

  /** Reads {@code sdp} with {@code codecs} (best first) as the codecs the answer may take. */
  public static BrowserOffer parse(String sdp, List<Codec> codecs) {
    if (sdp == null || sdp.isBlank()) {
      throw new BadOffer("the SDP offer is empty");
    }
    if (sdp.length() > MAX_LENGTH) {
      throw new BadOffer("the SDP offer is longer than " + MAX_LENGTH + " characters");
    }
    String[] lines = sdp.split("\r?\n");
    if (!lines[0].strip().equals("v=0")) {
      throw new BadOffer("not an SDP offer: it does not start with v=0");
    }
    Section session = new Section("session", "");
    List<Section> media = new ArrayList<>();
    Section current = session;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != '=') {
        throw new BadOffer("not an SDP offer: line '" + abbreviate(line) + "' is not <type>=<value>");
      }
      if (line.startsWith("m=")) {
        String[] m = line.substring(2).split(" ");
        if (m.length < 4 || !KIND.matcher(m[0]).matches() || !PROTO.matcher(m[2]).matches()) {
          throw new BadOffer("malformed m-line '" + abbreviate(line) + "'");
        }
        current = new Section(m[0], m[2]);
        current.port = m[1];
        for (int i = 3; i < m.length; i++) {
          current.formats.add(m[i]);
        }
        media.add(current);
      } else if (line.startsWith("a=")) {
        current.attribute(line.substring(2));
      }
    }
    int index = -1;
    for (int i = 0; i < media.size(); i++) {
      if (media.get(i).kind.equals("audio") && !media.get(i).port.equals("0")) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      throw new BadOffer("the offer has no audio (no m=audio line with a port)");
    }
    Section audio = media.get(index);
    if (!audio.proto.equals("UDP/TLS/RTP/SAVPF") && !audio.proto.equals("UDP/TLS/RTP/SAVP")) {
      throw new BadOffer("audio is offered as " + audio.proto
          + "; a browser leg needs DTLS-SRTP (UDP/TLS/RTP/SAVPF)");
    }
    String ufrag = audio.value("ice-ufrag", session);
    String pwd = audio.value("ice-pwd", session);
    if (ufrag == null || pwd == null) {
      throw new BadOffer("the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)");
    }
    if (ufrag.length() < 4 || ufrag.length() > 256 || !ICE_CHARS.matcher(ufrag).matches()
        || pwd.length() < 22 || pwd.length() > 256 || !ICE_CHARS.matcher(pwd).matches()) {
      throw new BadOffer("the offer's ICE credentials are malformed (RFC 8839: ufrag 4-256,"
          + " password 22-256 ice-chars)");
    }
    String fingerprintLine = audio.value("fingerprint", session);
    if (fingerprintLine == null) {
      throw new BadOffer("the offer has no DTLS fingerprint (a=fingerprint)");
    }
    String[] fp = fingerprintLine.split(" ");
    String hash = fp[0].toLowerCase(Locale.ROOT);
    Integer bytes = HASH_BYTES.get(hash);
    if (fp.length != 2 || bytes == null || !FINGERPRINT.matcher(fp[1]).matches()
        || fp[1].length() != bytes * 3 - 1) {
      throw new BadOffer("the offer's DTLS fingerprint '" + abbreviate(fingerprintLine)
          + "' is malformed or uses an unknown hash (sha-1, sha-256, sha-384, sha-512)");
    }
    String setup = audio.value("setup", session);
    if (setup != null && !setup.equals("actpass") && !setup.equals("active")) {
      throw new BadOffer("a=setup:" + setup + " asks the gateway to be the DTLS client; it only"
          + " takes the server role (offer actpass or active)");
    }
    if (!audio.has("rtcp-mux")) {
      throw new BadOffer("the offer does not multiplex RTCP with RTP (a=rtcp-mux is required)");
    }
    for (Section m : media) {
      String mid = m.value("mid", null);
      if (mid != null && !MID.matcher(mid).matches()) {
        throw new BadOffer("a=mid:" + abbreviate(mid) + " is not a token of 1 to 64 characters");
      }
    }
    int[] chosen = chooseCodec(audio, codecs);
    return new BrowserOffer(
        audio.value("mid", null),
        index,
        media.stream().map(s -> new Media(s.kind, s.proto, s.value("mid", null))).toList(),
        ufrag,
        pwd,
        hash,
        fp[1].toUpperCase(Locale.ROOT),
        codecs.get(chosen[0]),
        chosen[1],
        audio.direction());
  }

  /** {codec index in {@code codecs}, payload type}: the best codec both sides have. */
  private static int[] chooseCodec(Section audio, List<Codec> codecs) {
    Map<Integer, String> rtpmap = new LinkedHashMap<>();
    for (String format : audio.formats) {
      int pt;
      try {
        pt = Integer.parseInt(format);
      } catch (NumberFormatException e) {
        throw new BadOffer("payload type '" + abbreviate(format) + "' in the audio m-line is not a"
            + " number");
      }
      if (pt < 0 || pt > 127) {
        throw new BadOffer("payload type " + pt + " is out of range");
      }
      String map = audio.rtpmap.get(pt);
      if (map == null && pt == 0) {
        map = "pcmu/8000";
      } else if (map == null && pt == 8) {
        map = "pcma/8000";
      }
      if (map != null) {
        rtpmap.put(pt, map.toLowerCase(Locale.ROOT));
      }
    }
    for (int c = 0; c < codecs.size(); c++) {
      Codec codec = codecs.get(c);
      String want = codec.sdpName.toLowerCase(Locale.ROOT) + "/" + codec.clockRate;
      for (Map.Entry<Integer, String> e : rtpmap.entrySet()) {
        String have = e.getValue();
        if (have.equals(want) || have.equals(want + "/" + codec.channels)
            || (codec.channels == 1 && have.equals(want + "/1"))) {
          return new int[] {c, e.getKey()};
        }
      }
    }
    throw new BadOffer("no common codec: the offer has " + String.join(", ", rtpmap.values())
        + "; the gateway takes " + String.join(", ", codecs.stream()
            .map(k -> k.sdpName + "/" + k.clockRate).toList()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /** The attributes of the session or of one m-line. */
  private static final class Section {
    final String kind;
    final String proto;
    String port = "0";
    final List<String> formats = new ArrayList<>();
    final Map<String, String> values = new LinkedHashMap<>();
    final Map<Integer, String> rtpmap = new LinkedHashMap<>();
    String direction;

    Section(String kind, String proto) {
      this.kind = kind;
      this.proto = proto;
    }

    void attribute(String a) {
      int colon = a.indexOf(':');
      String name = colon < 0 ? a : a.substring(0, colon);
      String value = colon < 0 ? "" : a.substring(colon + 1).strip();
      switch (name) {
        case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
        case "rtpmap" -> {
          int space = value.indexOf(' ');
          if (space > 0) {
            try {
              rtpmap.putIfAbsent(Integer.parseInt(value.substring(0, space)),
                  value.substring(space + 1).strip());
            } catch (NumberFormatException e) {
              throw new BadOffer("malformed a=rtpmap:" + abbreviate(value));
            }
          }
        }
        default -> values.putIfAbsent(name, value);
      }
    }

    boolean has(String name) {
      return values.containsKey(name);
    }

    /** This section's value of {@code name}, else the session's (when given). */
    String value(String name, Section session) {
      String v = values.get(name);
      if (v == null && session != null) {
        v = session.values.get(name);
      }
      return v == null || v.isEmpty() ? null : v;
    }

    String direction() {
      return direction == null ? "sendrecv" : direction;
    }
  }
}
