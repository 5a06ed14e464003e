package io.rtc2sip.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Hand-written SIP over UDP to the gateway, for what a real peer would not send (malformed or
 * unexpected requests) or to read a response exactly as it was sent.
 */
final class RawSip implements AutoCloseable {
  final DatagramSocket socket;
  final InetSocketAddress gateway;

  RawSip(int gatewayPort) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    gateway = new InetSocketAddress("127.0.0.1", gatewayPort);
  }

  int localPort() {
    return socket.getLocalPort();
  }

  void send(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, gateway));
  }

  /**
   * Sends {@code request} every 500 ms (RFC 3261 Timer E style) until a message starting with
   * {@code prefix} comes back; that message, or null after 15 s. Other messages are skipped.
   * With a null request it only listens.
   */
  String requestUntil(String request, String prefix) throws IOException {
    byte[] bytes = request == null ? null : request.getBytes(StandardCharsets.US_ASCII);
    byte[] buf = new byte[8192];
    socket.setSoTimeout(500);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (bytes != null) {
        send(bytes);
      }
      try {
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          String message = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
          if (message.startsWith(prefix)) {
            return message;
          }
        }
      } catch (SocketTimeoutException retransmit) {
        // no answer yet
      }
    }
    return null;
  }

  /** Everything that reaches this socket within {@code window}. */
  java.util.List<String> receiveFor(Duration window) throws IOException {
    java.util.List<String> got = new java.util.ArrayList<>();
    byte[] buf = new byte[8192];
    long deadline = System.nanoTime() + window.toNanos();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return got;
      }
      socket.setSoTimeout((int) left);
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
      } catch (SocketTimeoutException over) {
        return got;
      }
    }
  }

  /** The From-tag of {@link #invite}'s INVITE with that Call-ID (a token: no '@'). */
  static String fromTag(String sipCallId) {
    return "from" + sipCallId.replaceAll("[^A-Za-z0-9]", "");
  }

  /** An initial INVITE from sip:caller to {@code user} with a PCMA offer, in its own dialog. */
  String invite(String user, String sipCallId) {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\n";
    return "INVITE sip:" + user + "@127.0.0.1:" + gateway.getPort() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort() + ";branch=z9hG4bK" + fromTag(sipCallId)
        + "\r\n"
        + "From: <sip:caller@127.0.0.1>;tag=" + fromTag(sipCallId) + "\r\n"
        + "To: <sip:" + user + "@127.0.0.1>\r\n"
        + "Call-ID: " + sipCallId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + "Contact: <sip:caller@127.0.0.1:" + localPort() + ">\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
  }

  /**
   * A request of {@code method} in the dialog {@code sipCallId} from the caller of {@link
   * #invite} (From-tag {@code fromTag}) to {@code user} at the gateway (To-tag {@code toTag}),
   * with CSeq {@code cseq}, its own branch and an SDP offer when it is an INVITE.
   */
  String inDialog(String method, String user, String sipCallId, String fromTag, String toTag,
      long cseq) {
    String sdp = !method.equals("INVITE") ? ""
        : "v=0\r\no=- 3 3 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n";
    String extra = method.equals("REFER") ? "Refer-To: <sip:mallory@127.0.0.1>\r\n"
        : method.equals("NOTIFY") ? "Event: refer\r\nSubscription-State: active\r\n" : "";
    return method + " sip:" + user + "@127.0.0.1:" + gateway.getPort() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort() + ";branch=z9hG4bK" + method
        + java.util.UUID.randomUUID().toString().replace("-", "") + "\r\n"
        + "From: <sip:caller@127.0.0.1>;tag=" + fromTag + "\r\n"
        + "To: <sip:" + user + "@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
        + "Call-ID: " + sipCallId + "\r\nCSeq: " + cseq + " " + method + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "Contact: <sip:caller@127.0.0.1:" + localPort() + ">\r\n" + extra
        + (sdp.isEmpty() ? "" : "Content-Type: application/sdp\r\n")
        + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
  }

  /** A 200 with a PCMA answer to {@code invite} (as received), with {@code toTag}. */
  String okTo(String invite, String toTag) {
    StringBuilder head = new StringBuilder("SIP/2.0 200 OK\r\n");
    for (String line : invite.split("\r\n")) {
      String name = line.contains(":") ? line.substring(0, line.indexOf(':')) : "";
      if (name.equals("Via") || name.equals("From") || name.equals("Call-ID")
          || name.equals("CSeq")) {
        head.append(line).append("\r\n");
      } else if (name.equals("To")) {
        head.append(line).append(";tag=").append(toTag).append("\r\n");
      }
    }
    String sdp = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40002 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\n";
    return head + "Contact: <sip:uas@127.0.0.1:" + localPort() + ">\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n"
        + sdp;
  }

  @Override
  public void close() {
    socket.close();
  }
}
