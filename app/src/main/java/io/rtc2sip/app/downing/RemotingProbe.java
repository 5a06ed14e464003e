package io.rtc2sip.app.downing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Whether a process still listens on a member's cluster remoting port: the one question whose
 * answer "connection refused" proves the member's actor system is gone (a live node always
 * listens there; a paused one still has its socket bound and the kernel completes the
 * handshake). A timeout or an unreachable network proves nothing.
 */
final class RemotingProbe {
  enum Result {
    /** Something accepted the connection: the member may be alive. */
    LISTENING,
    /** The host answered that nothing listens there: the member's process is gone. */
    REFUSED,
    /** No answer (host down, network partition, filtered): undecided. */
    UNKNOWN
  }

  private RemotingProbe() {}

  static Result probe(String host, int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return Result.LISTENING;
    } catch (ConnectException e) {
      // "Connection refused": an RST from the peer's host. Other ConnectExceptions
      // (e.g. "No route to host") say nothing about the process.
      String message = String.valueOf(e.getMessage());
      return message.contains("refused") ? Result.REFUSED : Result.UNKNOWN;
    } catch (IOException e) {
      return Result.UNKNOWN;
    }
  }
}
