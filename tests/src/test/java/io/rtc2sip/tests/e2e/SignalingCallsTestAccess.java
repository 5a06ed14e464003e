package io.rtc2sip.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;

/** The signaling test client, for tests in other packages (benchmarks). */
public final class SignalingCallsTestAccess {
  private SignalingCallsTestAccess() {}

  /** A client logged in as {@code uid} on the signaling port. */
  public static AutoCloseable phone(String uid, int port) throws Exception {
    return new SignalingCallsTest.Phone(uid, port);
  }

  /** Sends a request and waits for its reply. */
  public static JsonNode request(AutoCloseable phone, String json) throws Exception {
    return ((SignalingCallsTest.Phone) phone).request(json);
  }
}
