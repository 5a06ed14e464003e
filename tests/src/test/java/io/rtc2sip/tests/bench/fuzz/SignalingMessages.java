package io.rtc2sip.tests.bench.fuzz;

import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * Signaling messages a broken or hostile client sends, deterministic from a seed: bad JSON,
 * huge lines, wrong types, random fields, logins with bad tokens, and valid-looking calls with
 * bad targets, channels and SDP. Logins with a valid token (the development secret) come too,
 * so that what follows them reaches the call commands.
 */
final class SignalingMessages {
  private static final String[] TYPES = {"login", "logout", "register", "call", "answer",
      "hangup", "reject", "cancel", "hold", "unhold", "dtmf", "transfer", "conference", "calls",
      "rtc-token", "ping", "no-such-type", ""};
  private static final String[] TARGETS = {"", "sip:", "sip:@", "tel:", "sip:x@127.0.0.1:1",
      "sip:x@[::1", "sip:x@host.invalid", "+", "+4930123456", "sip:a@b@c", "x".repeat(3000),
      "sip:x@127.0.0.1:99999", "sips:x@127.0.0.1:1;transport=tls", "<sip:x@127.0.0.1:1>",
      "sip:x@127.0.0.1:1;maddr=10.255.255.1", "\u0000", "sip:%00@127.0.0.1:1", "1234#*"};
  private static final String[] CHANNELS = {"", " ", "call-o-00000000-0000-0000-0000-000000000000",
      "room/../x", "\u0000", "x".repeat(5000), "room-42", "call-i-0"};
  private static final String[] SDPS = {"", "v=0", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
      "v=0\r\nc=IN IP4 host.invalid\r\nm=audio 1 RTP/AVP 0\r\n", "\u0000\u0001",
      "v=0\r\n" + "a=x\r\n".repeat(5000)};
  private static final Tokens TOKENS =
      new Tokens(SignalingSettings.DEFAULT_SECRET, Clock.systemUTC());

  private final Random random;

  SignalingMessages(long seed) {
    this.random = new Random(seed);
  }

  /** A valid login as {@code uid}. */
  String login(String uid) {
    return "{\"id\":\"l\",\"type\":\"login\",\"uid\":\"" + uid + "\",\"token\":\""
        + TOKENS.issue(uid, Duration.ofMinutes(30)) + "\"}";
  }

  /** The next message (without its line end). */
  String next(long n) {
    return switch (random.nextInt(10)) {
      case 0 -> garbage();
      case 1 -> random.nextInt(10) == 0 ? huge() : deep();
      case 2 -> "{\"type\":" + wrong() + ",\"id\":" + wrong() + "}";
      case 3 -> randomFields(n);
      case 4 -> "{\"id\":\"" + n + "\",\"type\":\"login\",\"uid\":\"" + pick(CHANNELS)
          + "\",\"token\":\"" + pick(TARGETS) + "\"}";
      case 5, 6, 7 -> call(n);
      case 8 -> "{\"id\":\"" + n + "\",\"type\":\"" + pick(TYPES) + "\",\"callId\":\""
          + (random.nextBoolean() ? "o-" + new java.util.UUID(n, random.nextLong()) : pick(CHANNELS))
          + "\",\"digits\":\"" + pick(TARGETS) + "\",\"to\":\"" + pick(TARGETS) + "\"}";
      default -> "{\"id\":\"" + n + "\",\"type\":\"ping\"}";
    };
  }

  private String call(long n) {
    StringBuilder s = new StringBuilder("{\"id\":\"" + n + "\",\"type\":\"call\"");
    if (random.nextInt(5) > 0) {
      s.append(",\"to\":\"").append(escape(pick(TARGETS))).append('"');
    }
    if (random.nextBoolean()) {
      s.append(",\"channel\":\"").append(escape(pick(CHANNELS))).append('"');
    }
    if (random.nextInt(3) == 0) {
      s.append(",\"sdp\":\"").append(escape(pick(SDPS))).append('"');
    }
    if (random.nextInt(4) == 0) {
      s.append(",\"to\":").append(wrong());
    }
    return s.append('}').toString();
  }

  private String randomFields(long n) {
    StringBuilder s = new StringBuilder("{\"id\":\"" + n + "\",\"type\":\"" + pick(TYPES) + "\"");
    int fields = random.nextInt(20);
    for (int i = 0; i < fields; i++) {
      s.append(",\"f").append(random.nextInt(1000)).append("\":").append(wrong());
    }
    return s.append('}').toString();
  }

  private String wrong() {
    return switch (random.nextInt(8)) {
      case 0 -> "null";
      case 1 -> String.valueOf(random.nextLong());
      case 2 -> "1e999";
      case 3 -> "[1,2,{\"a\":[]}]";
      case 4 -> "{\"type\":\"call\"}";
      case 5 -> "true";
      case 6 -> "\"" + escape(pick(TARGETS)) + "\"";
      default -> "\"\\ud800\"";
    };
  }

  private String deep() {
    int depth = 1 + random.nextInt(5000);
    return "[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : depth / 2);
  }

  private String huge() {
    return "{\"type\":\"ping\",\"pad\":\"" + "p".repeat(16384 + random.nextInt(200_000)) + "\"}";
  }

  private String garbage() {
    byte[] b = new byte[1 + random.nextInt(200)];
    random.nextBytes(b);
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      char c = (char) (x & 0xFF);
      s.append(c == '\n' ? ' ' : c);
    }
    return s.toString();
  }

  private String pick(String[] from) {
    return from[random.nextInt(from.length)];
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
