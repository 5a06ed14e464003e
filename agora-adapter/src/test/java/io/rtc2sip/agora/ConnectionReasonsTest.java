package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rtc2sip.agora.ConnectionReasons.Policy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionReasonsTest {

  @Test
  void eachReasonHasItsPolicy() {
    Map<Integer, Policy> table = Map.ofEntries(
        Map.entry(2, Policy.REJOIN),      // INTERRUPTED
        Map.entry(3, Policy.END_CALL),    // BANNED_BY_SERVER
        Map.entry(4, Policy.REJOIN),      // JOIN_FAILED
        Map.entry(5, Policy.REJOIN),      // LEAVE_CHANNEL (not asked for)
        Map.entry(6, Policy.END_CALL),    // INVALID_APP_ID
        Map.entry(7, Policy.END_CALL),    // INVALID_CHANNEL_NAME
        Map.entry(8, Policy.END_CALL),    // INVALID_TOKEN
        Map.entry(9, Policy.REJOIN),      // TOKEN_EXPIRED: a fresh token helps
        Map.entry(10, Policy.END_CALL),   // REJECTED_BY_SERVER
        Map.entry(14, Policy.REJOIN),     // KEEP_ALIVE_TIMEOUT
        Map.entry(16, Policy.REJOIN),     // LOST
        Map.entry(19, Policy.TAKEN_OVER), // SAME_UID_LOGIN
        Map.entry(20, Policy.END_CALL),   // TOO_MANY_BROADCASTERS
        Map.entry(99, Policy.REJOIN));    // unknown
    table.forEach((reason, policy) ->
        assertEquals(policy, ConnectionReasons.policy(reason), "reason " + reason));
  }

  @Test
  void reasonsAreNamedInLogLines() {
    assertEquals("INVALID_TOKEN(8)", ConnectionReasons.describe(8));
    assertEquals("UNKNOWN(99)", ConnectionReasons.describe(99));
  }
}
