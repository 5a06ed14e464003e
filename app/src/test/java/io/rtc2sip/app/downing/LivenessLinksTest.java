package io.rtc2sip.app.downing;

import static io.rtc2sip.testkit.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LivenessLinksTest {
  /** How long the link threads may take to change what they report. */
  private static final Duration LINK_STATE = Duration.ofSeconds(5);

  @Test
  void aWatchedPeerWhoseProcessClosesItsSocketIsReportedLostAtOnce() throws Exception {
    LinkedBlockingQueue<String> lost = new LinkedBlockingQueue<>();
    try (LivenessLinks here = LivenessLinks.open("127.0.0.1", 0);
        LivenessLinks peer = LivenessLinks.open("127.0.0.1", 0)) {
      here.onLost(lost::add);
      here.watch("peer", "127.0.0.1", peer.port());
      until(LINK_STATE, () -> peer.inbound() == 1, "the peer holds the link");
      peer.close(); // its kernel closes the sockets, as when the process dies
      assertEquals("peer", lost.poll(5, TimeUnit.SECONDS));
      assertTrue(!here.watching("peer"));
    }
  }

  @Test
  void aPeerThatIsNotListeningIsReportedLost() throws Exception {
    LinkedBlockingQueue<String> lost = new LinkedBlockingQueue<>();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (LivenessLinks here = LivenessLinks.open("127.0.0.1", 0)) {
      here.onLost(lost::add);
      here.watch("gone", "127.0.0.1", closedPort);
      assertEquals("gone", lost.poll(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void connectionsThatSendBytesOrExceedTheLimitAreClosed() throws Exception {
    try (LivenessLinks here = LivenessLinks.open("127.0.0.1", 0)) {
      try (Socket talker = new Socket("127.0.0.1", here.port())) {
        talker.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
        talker.setSoTimeout(5000);
        assertEquals(-1, talker.getInputStream().read(), "closed by the node");
      }
      until(LINK_STATE, () -> here.refused() == 1 && here.inbound() == 0, "the talker was refused");
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < LivenessLinks.MAX_INBOUND; i++) {
          open.add(new Socket("127.0.0.1", here.port()));
        }
        until(LINK_STATE, () -> here.inbound() == LivenessLinks.MAX_INBOUND, "the limit is held");
        try (Socket over = new Socket("127.0.0.1", here.port())) {
          over.setSoTimeout(5000);
          InputStream in = over.getInputStream();
          assertEquals(-1, in.read(), "one over the limit is closed");
        }
        assertEquals(LivenessLinks.MAX_INBOUND, here.inbound());
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
    }
  }
}
