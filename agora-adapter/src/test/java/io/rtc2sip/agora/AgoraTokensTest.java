package io.rtc2sip.agora;

import static io.rtc2sip.agora.TestSettings.APP_ID;
import static io.rtc2sip.agora.TestSettings.CERTIFICATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agora.media.AccessToken2;
import io.agora.media.AccessToken2.PrivilegeRtc;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens minted with RtcTokenBuilder2, read back with AccessToken2. */
class AgoraTokensTest {

  private static AccessToken2 parse(String token) {
    AccessToken2 t = new AccessToken2();
    assertTrue(t.parse(token), "parsable: " + token);
    return t;
  }

  private static AccessToken2.ServiceRtc rtc(AccessToken2 t) {
    return (AccessToken2.ServiceRtc) t.services.get(AccessToken2.SERVICE_TYPE_RTC);
  }

  private static Map<Short, Integer> publisher(int seconds) {
    return Map.of(
        PrivilegeRtc.PRIVILEGE_JOIN_CHANNEL.intValue, seconds,
        PrivilegeRtc.PRIVILEGE_PUBLISH_AUDIO_STREAM.intValue, seconds,
        PrivilegeRtc.PRIVILEGE_PUBLISH_VIDEO_STREAM.intValue, seconds,
        PrivilegeRtc.PRIVILEGE_PUBLISH_DATA_STREAM.intValue, seconds);
  }

  @Test
  void aStringAccountTokenCarriesAppChannelUserPrivilegesAndExpiry() throws Exception {
    AgoraTokens tokens = new AgoraTokens(APP_ID, CERTIFICATE, Duration.ofMinutes(30), true);
    String token = tokens.issue("call-i-42", "gw-i-42");
    AccessToken2 t = parse(token);
    assertEquals(APP_ID, t.appId);
    assertEquals(1800, t.expire, "seconds from the moment it was minted");
    long age = Instant.now().getEpochSecond() - t.issueTs;
    assertTrue(Math.abs(age) < Duration.ofDays(1).getSeconds(), "issued now: " + t.issueTs);
    assertEquals("call-i-42", rtc(t).getChannelName());
    assertEquals("gw-i-42", rtc(t).getUid());
    assertEquals(publisher(1800), rtc(t).getPrivileges());
    t.appCert = CERTIFICATE;
    assertEquals(token, t.build(), "signed with the App Certificate");
  }

  @Test
  void aNumericUidTokenCarriesTheUidAsDecimal() {
    AgoraTokens tokens = new AgoraTokens(APP_ID, CERTIFICATE, Duration.ofHours(1), false);
    AccessToken2 t = parse(tokens.issue("room", "4294967295"));
    assertEquals("4294967295", rtc(t).getUid());
    assertEquals(publisher(3600), rtc(t).getPrivileges());
    assertEquals("12", rtc(parse(tokens.issue("room", "12"))).getUid());
  }

  @Test
  void aTokenSignedWithAnotherCertificateDoesNotMatch() throws Exception {
    String token = new AgoraTokens(APP_ID, CERTIFICATE, Duration.ofHours(1), true)
        .issue("room", "alice");
    AccessToken2 t = parse(token);
    t.appCert = "00000000000000000000000000000000";
    assertNotEquals(token, t.build());
  }

  @Test
  void aMissingCertificateIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AgoraTokens(APP_ID, "", Duration.ofHours(1), true));
    assertTrue(e.getMessage().contains("RTC2SIP_AGORA_APP_CERTIFICATE"), e.getMessage());
    assertTrue(e.getMessage().contains(APP_ID), e.getMessage());
  }

  @Test
  void malformedKeysAndExpiriesAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new AgoraTokens("not-an-app-id", CERTIFICATE, Duration.ofHours(1), true));
    assertThrows(IllegalArgumentException.class,
        () -> new AgoraTokens(APP_ID, "short", Duration.ofHours(1), true));
    assertThrows(IllegalArgumentException.class,
        () -> new AgoraTokens(APP_ID, CERTIFICATE, Duration.ofHours(25), true));
    assertThrows(IllegalArgumentException.class,
        () -> new AgoraTokens(APP_ID, CERTIFICATE, Duration.ofSeconds(59), true));
  }

  @Test
  void numericUidsAreDecimalUint32() {
    AgoraTokens tokens = new AgoraTokens(APP_ID, CERTIFICATE, Duration.ofHours(1), false);
    for (String bad : new String[] {"alice", "0", "-1", "4294967296", "12345678901", "", "1e3"}) {
      assertThrows(IllegalArgumentException.class, () -> tokens.issue("room", bad), bad);
    }
    assertEquals(4294967295L, AgoraTokens.numericUid("4294967295"));
  }
}
