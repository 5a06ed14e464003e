package io.rtc2sip.actors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndCauseTest {

  @ParameterizedTest(name = "SIP {0} ends the call with {1}")
  @CsvSource({
    "300, REDIRECTED",
    "302, REDIRECTED",
    "400, REJECTED",
    "401, FORBIDDEN",
    "403, FORBIDDEN",
    "404, NOT_FOUND",
    "407, FORBIDDEN",
    "408, NO_ANSWER",
    "415, REJECTED",
    "480, CALLEE_OFFLINE",
    "481, DIALOG_LOST",
    "484, NOT_FOUND",
    "486, BUSY",
    "487, CANCELLED",
    "488, INCOMPATIBLE_MEDIA",
    "500, SERVER_FAILURE",
    "502, SERVER_FAILURE",
    "503, SERVER_FAILURE",
    "600, BUSY",
    "603, DECLINED",
    "604, NOT_FOUND",
    "606, INCOMPATIBLE_MEDIA",
    "699, DECLINED"
  })
  void statusToCause(int status, EndCause cause) {
    assertEquals(cause, EndCause.fromSipStatus(status));
  }

  @ParameterizedTest(name = "{0}: outbound {1}, inbound {2}, Q.850 {3}")
  @CsvSource({
    "LOCAL_HANGUP, 200, 200, 16",
    "REMOTE_HANGUP, 200, 200, 16",
    "RTC_PEER_LEFT, 200, 200, 16",
    "MEDIA_TIMEOUT, 200, 200, 41",
    "DIALOG_LOST, 481, 481, 41",
    "TRANSFERRED, 200, 200, 16",
    "TRANSFER_FAILED, 200, 200, 41",
    "CANCELLED, 487, 487, 16",
    "NO_ANSWER, 408, 480, 19",
    "CALLEE_OFFLINE, 480, 480, 20",
    "BUSY, 486, 486, 17",
    "DECLINED, 603, 603, 21",
    "NOT_FOUND, 404, 404, 1",
    "FORBIDDEN, 403, 403, 21",
    "REDIRECTED, 302, 302, 23",
    "INCOMPATIBLE_MEDIA, 488, 488, 65",
    "REJECTED, 400, 400, 127",
    "SERVER_FAILURE, 500, 503, 41"
  })
  void causeToStatus(EndCause cause, int outbound, int inbound, int q850) {
    assertEquals(outbound, cause.sipStatus(CallDirection.OUTBOUND));
    assertEquals(inbound, cause.sipStatus(CallDirection.INBOUND));
    assertEquals(q850, cause.q850());
  }

  @Test
  void everyFailureCauseMapsBackToItselfFromItsOwnStatus() {
    Set<EndCause> afterAnswer =
        EnumSet.of(
            EndCause.LOCAL_HANGUP,
            EndCause.REMOTE_HANGUP,
            EndCause.RTC_PEER_LEFT,
            EndCause.RTC_MEDIA_FAILED,
            EndCause.MEDIA_TIMEOUT,
            EndCause.TRANSFERRED,
            EndCause.TRANSFER_FAILED);
    for (EndCause cause : EndCause.values()) {
      if (afterAnswer.contains(cause)) {
        continue;
      }
      int status = cause.sipStatus(CallDirection.OUTBOUND);
      assertEquals(cause, EndCause.fromSipStatus(status), cause + " via " + status);
    }
  }

  @Test
  void successAndProvisionalStatusesAreNotFailures() {
    assertThrows(IllegalArgumentException.class, () -> EndCause.fromSipStatus(200));
    assertThrows(IllegalArgumentException.class, () -> EndCause.fromSipStatus(180));
    assertThrows(IllegalArgumentException.class, () -> EndCause.fromSipStatus(700));
  }
}
