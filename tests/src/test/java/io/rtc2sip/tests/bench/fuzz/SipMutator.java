package io.rtc2sip.tests.bench.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutated SIP requests, deterministic from a seed: valid INVITE (with SDP), re-INVITE, BYE,
 * REFER, OPTIONS, CANCEL, ACK, INFO and REGISTER texts, in and outside dialogs (the gateway's
 * Call-ID form with both tags), each changed in one to three ways: bytes flipped, inserted or
 * cut; headers dropped, doubled or given huge or wrong values; Content-Length wrong; SDP lines
 * broken (addresses, ports, payload types, host names, endless lines).
 */
final class SipMutator {
  private static final String[] METHODS = {"INVITE", "REINVITE", "BYE", "REFER", "OPTIONS",
      "CANCEL", "ACK", "INFO", "REGISTER"};
  private static final String[] GARBAGE = {"", " ", "\u0000", "%%%", "<<<>>>", "sip:", "sip:@",
      "-1", "4294967296", "99999999999999999999", "\r\n", ";;;;", "\u00ff\u00fe", "0.0.0.0",
      "example.invalid", "[::1", "\"", "'", "${jndi:ldap://127.0.0.1/x}", "../../../etc/passwd"};

  private final Random random;
  private final String gateway;
  private final String source;

  /**
   * @param gateway the node's SIP host:port
   * @param source the host:port requests claim to come from (Via, Contact)
   */
  SipMutator(long seed, String gateway, String source) {
    this.random = new Random(seed);
    this.gateway = gateway;
    this.source = source;
  }

  /** The next mutated request; {@code n} makes its identifiers unique. */
  byte[] next(long n) {
    String method = METHODS[random.nextInt(METHODS.length)];
    boolean inDialog = random.nextInt(3) == 0 || method.equals("REINVITE")
        || method.equals("BYE") || method.equals("REFER") || method.equals("INFO");
    String text = request(method, n, inDialog);
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      text = mutateText(text);
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return random.nextInt(4) == 0 ? mutateBytes(bytes) : bytes;
  }

  private String request(String method, long n, boolean inDialog) {
    String m = method.equals("REINVITE") ? "INVITE" : method;
    String user = random.nextBoolean() ? "fuzz" + (n % 50) : "alice";
    String callId = inDialog ? "o-" + new java.util.UUID(n, random.nextLong()) + "@rtc2sip"
        : "fuzz-" + n + "-" + random.nextInt(1 << 20) + "@" + source;
    String toTag = inDialog ? ";tag=" + Long.toHexString(random.nextLong()) : "";
    boolean sdp = m.equals("INVITE") || (m.equals("ACK") && random.nextBoolean());
    String body = sdp ? sdp(n) : m.equals("INFO") ? "Signal=5\r\nDuration=100\r\n" : "";
    StringBuilder s = new StringBuilder();
    s.append(m).append(" sip:").append(user).append('@').append(gateway).append(" SIP/2.0\r\n");
    s.append("Via: SIP/2.0/UDP ").append(source).append(";branch=z9hG4bK-fz").append(n)
        .append(";rport\r\n");
    s.append("Max-Forwards: 70\r\n");
    s.append("From: <sip:fuzzer@").append(source).append(">;tag=f").append(n).append("\r\n");
    s.append("To: <sip:").append(user).append('@').append(gateway).append('>').append(toTag)
        .append("\r\n");
    s.append("Call-ID: ").append(callId).append("\r\n");
    s.append("CSeq: ").append(1 + random.nextInt(1000)).append(' ').append(m).append("\r\n");
    s.append("Contact: <sip:fuzzer@").append(source).append(">\r\n");
    s.append("User-Agent: rtc2sip-fuzz\r\n");
    if (m.equals("REFER")) {
      s.append("Refer-To: <sip:").append(random.nextBoolean() ? "999" : "+15550100")
          .append('@').append(random.nextBoolean() ? "127.0.0.1:1" : "refer.invalid")
          .append(">\r\n");
    }
    if (m.equals("REGISTER")) {
      s.append("Expires: 3600\r\n");
    }
    if (m.equals("INFO")) {
      s.append("Content-Type: application/dtmf-relay\r\n");
    } else if (sdp) {
      s.append("Content-Type: application/sdp\r\n");
    }
    s.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
    return s.toString();
  }

  private String sdp(long n) {
    String host = source.substring(0, source.indexOf(':'));
    return "v=0\r\n"
        + "o=fuzz " + n + " 1 IN IP4 " + host + "\r\n"
        + "s=-\r\n"
        + "c=IN IP4 " + host + "\r\n"
        + "t=0 0\r\n"
        + "m=audio " + (10000 + 2 * random.nextInt(20000)) + " RTP/AVP 8 0 101\r\n"
        + "a=rtpmap:8 PCMA/8000\r\n"
        + "a=rtpmap:0 PCMU/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\n"
        + "a=fmtp:101 0-16\r\n"
        + "a=sendrecv\r\n";
  }

  private String mutateText(String text) {
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n", -1)));
    int headerEnd = lines.indexOf("");
    if (headerEnd < 1) {
      headerEnd = lines.size();
    }
    if (headerEnd < 2) {
      return text + garbage(); // what is left has no headers to work on
    }
    int header = 1 + random.nextInt(headerEnd - 1);
    switch (random.nextInt(12)) {
      case 0 -> { // drop a header
        lines.remove(header);
      }
      case 1 -> { // double a header, maybe with another value
        lines.add(header, lines.get(header) + (random.nextBoolean() ? "" : garbage()));
      }
      case 2 -> { // a header value replaced by garbage or made huge
        String line = lines.get(header);
        lines.set(header, name(line) + " " + (random.nextBoolean() ? garbage()
            : "x".repeat(1 + random.nextInt(20000))));
      }
      case 3 -> { // Content-Length wrong
        for (int i = 0; i < headerEnd; i++) {
          if (lines.get(i).startsWith("Content-Length")) {
            lines.set(i, "Content-Length: " + contentLength());
          }
        }
      }
      case 4 -> { // a request line of garbage
        String[] parts = lines.get(0).split(" ", 3);
        parts[random.nextInt(parts.length)] = garbage();
        lines.set(0, String.join(" ", parts));
      }
      case 5, 6 -> { // an SDP line broken
        if (headerEnd + 1 < lines.size()) {
          int i = headerEnd + 1 + random.nextInt(lines.size() - headerEnd - 1);
          lines.set(i, sdpLine());
        } else {
          lines.add(sdpLine());
        }
      }
      case 7 -> { // many more SDP lines
        int count = 1 + random.nextInt(300);
        for (int k = 0; k < count; k++) {
          lines.add("a=rtpmap:" + random.nextInt(200) + " X" + k + "/8000");
        }
      }
      case 8 -> { // a header nobody knows, or a compact form
        lines.add(header,
            random.nextBoolean() ? "X-Fuzz-" + random.nextInt(1000) + ": " + garbage()
                : "i: " + garbage());
      }
      case 9 -> { // line ends changed
        return String.join(random.nextBoolean() ? "\n" : "\r", lines);
      }
      case 10 -> { // cut anywhere
        String joined = String.join("\r\n", lines);
        return joined.substring(0, random.nextInt(Math.max(1, joined.length())));
      }
      default -> { // Via/From/To/CSeq/Call-ID given values from another message
        String line = lines.get(header);
        lines.set(header, name(line) + " " + random.nextInt()
            + (random.nextBoolean() ? "@rtc2sip" : ";tag=" + garbage()));
      }
    }
    return String.join("\r\n", lines);
  }

  /** A header line's name with its colon, or the whole line when it has none. */
  private static String name(String line) {
    int colon = line.indexOf(':');
    return colon < 0 ? line : line.substring(0, colon + 1);
  }

  private String contentLength() {
    return switch (random.nextInt(5)) {
      case 0 -> "-1";
      case 1 -> String.valueOf(random.nextInt(100000));
      case 2 -> "0";
      case 3 -> "99999999999";
      default -> garbage();
    };
  }

  private String sdpLine() {
    return switch (random.nextInt(9)) {
      case 0 -> "c=IN IP4 " + garbage();
      case 1 -> "c=IN IP4 host" + random.nextInt(1000) + ".invalid";
      case 2 -> "m=audio " + (random.nextBoolean() ? "-5" : "70000") + " RTP/AVP 8";
      case 3 -> "m=audio 4000 RTP/AVP " + random.nextInt(300) + " " + garbage();
      case 4 -> "a=rtpmap:" + garbage() + " PCMA/" + garbage();
      case 5 -> "m=video 4000 RTP/SAVPF 96";
      case 6 -> "a=" + "y".repeat(random.nextInt(5000));
      case 7 -> "c=IN IP6 " + garbage();
      default -> garbage() + "=" + garbage();
    };
  }

  private String garbage() {
    return GARBAGE[random.nextInt(GARBAGE.length)];
  }

  private byte[] mutateBytes(byte[] b) {
    switch (random.nextInt(3)) {
      case 0 -> { // flip some bytes
        byte[] c = b.clone();
        int flips = 1 + random.nextInt(16);
        for (int i = 0; i < flips && c.length > 0; i++) {
          c[random.nextInt(c.length)] = (byte) random.nextInt(256);
        }
        return c;
      }
      case 1 -> { // random bytes inserted
        int at = random.nextInt(b.length + 1);
        byte[] junk = new byte[1 + random.nextInt(64)];
        random.nextBytes(junk);
        byte[] c = new byte[b.length + junk.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(junk, 0, c, at, junk.length);
        System.arraycopy(b, at, c, at + junk.length, b.length - at);
        return c;
      }
      default -> { // a range cut out
        if (b.length < 2) {
          return b;
        }
        int from = random.nextInt(b.length - 1);
        int to = from + 1 + random.nextInt(b.length - from - 1);
        byte[] c = new byte[b.length - (to - from)];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(b, to, c, from, b.length - to);
        return c;
      }
    }
  }
}
