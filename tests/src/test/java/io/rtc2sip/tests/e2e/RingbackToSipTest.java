package io.rtc2sip.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtc2sip.sip.Sipp;
import io.rtc2sip.tests.support.LoopbackCapture;
import io.rtc2sip.tests.support.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early media toward a SIP caller, with {@code rtc2sip.call.ringback-to-sip} on: the caller of
 * an online user hears the gateway's ringback while the user's app rings. The caller (sipp)
 * requires 100rel: the 183 with our SDP comes reliably and is PRACKed before our 200.
 */
class RingbackToSipTest {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir, Sipp.freeUdpPort(), Map.of("rtc2sip.call.ringback-to-sip", "on"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aCallerRequiring100relHearsTheGatewaysRingbackWhileTheUserIsAlerted() throws Exception {
    try (SignalingCallsTest.Phone erin = new SignalingCallsTest.Phone("erin", node.signalingPort);
        Sipp sipp = Sipp.uac("uac_100rel_ringback", node.sipPort, "erin", 500);
        LoopbackCapture toSipp = LoopbackCapture.start(dir.resolve("to-sipp.pcap"),
            "dst port " + sipp.mediaPort)) {
      JsonNode incoming = erin.await("incoming-call", sipp);
      // while the user's app rings, sipp got a reliable 183 with our SDP and hears 425 Hz
      var ringing = toSipp.await("500 ms of ringback at sipp", Duration.ofSeconds(10),
          d -> LoopbackCapture.g711Audio(d, 8).length >= 4000);
      double share = Tones.share(Tones.upsample6(LoopbackCapture.g711Audio(ringing, 8)), 425);
      assertTrue(share > 0.8, "425 Hz share of what sipp heard while the user was alerted: "
          + share);
      sipp.awaitAction("rseq 183");
      erin.request("{\"type\":\"answer\",\"callId\":\"" + incoming.get("callId").asText()
          + "\"}");
      erin.await("ended", sipp); // sipp hangs up 500 ms after the answer
      // the scenario checks the PRACK's 200 before the INVITE's and the BYE's CSeq above it
      assertEquals(0, sipp.await(30), sipp.where());
      assertFalse(sipp.messages().contains("SIP/2.0 180"), "183 instead of 180: " + sipp.where());
    }
  }
}
