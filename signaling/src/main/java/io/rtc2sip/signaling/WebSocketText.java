package io.rtc2sip.signaling;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** Reads a WebSocket text message as it streams in, up to a number of bytes. */
final class WebSocketText {
  private WebSocketText() {}

  /**
   * The message's text, or null if it passed {@code maxBytes} (UTF-8). {@code tooLong} runs as
   * soon as it passes the limit; from there on the rest of the message is read and dropped
   * (cancelling a message's stream would fail the whole WebSocket), so a huge message never
   * sits in memory and the connection goes on.
   */
  static CompletionStage<String> read(Source<String, ?> parts, int maxBytes, Runnable tooLong,
      ActorSystem<?> system) {
    StringBuilder text = new StringBuilder();
    long[] bytes = {0};
    boolean[] over = {false};
    return parts
        .runForeach(part -> {
          if (over[0]) {
            return;
          }
          bytes[0] += utf8Length(part);
          if (bytes[0] > maxBytes) {
            over[0] = true;
            text.setLength(0);
            tooLong.run();
          } else {
            text.append(part);
          }
        }, system)
        .thenApply(done -> over[0] ? null : text.toString());
  }

  /** Bytes of {@code s} in UTF-8, without encoding it. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
