package io.rtc2sip.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.jitsi.srtp.SrtpErrorStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SrtpSessionTest {
  private static final int TAG = 10;
  private final SecureRandom random = new SecureRandom();
  private SrtpKeys gatewayKeys;
  private SrtpSession gateway;

  @BeforeEach
  void keys() throws GeneralSecurityException {
    byte[] material = new byte[2 * (SrtpKeys.KEY_LENGTH + SrtpKeys.SALT_LENGTH)];
    random.nextBytes(material);
    gatewayKeys = SrtpKeys.fromServerSide(material, TAG);
    gateway = new SrtpSession(gatewayKeys, 0x1111);
  }

  @AfterEach
  void close() {
    gateway.close();
  }

  /** The browser's end: what the gateway receives, it sends. */
  private SrtpSession browser(int ssrc) throws GeneralSecurityException {
    return new SrtpSession(new SrtpKeys(gatewayKeys.receiveKey(), gatewayKeys.receiveSalt(),
        gatewayKeys.sendKey(), gatewayKeys.sendSalt(), TAG), ssrc);
  }

  private static SrtpSession.Packet rtp(int ssrc, int seq, byte[] payload) {
    SrtpSession.Packet p = new SrtpSession.Packet(256).reset(12 + payload.length);
    byte[] b = p.getBuffer();
    b[0] = (byte) 0x80;
    b[1] = 111;
    b[2] = (byte) (seq >> 8);
    b[3] = (byte) seq;
    b[8] = (byte) (ssrc >> 24);
    b[9] = (byte) (ssrc >> 16);
    b[10] = (byte) (ssrc >> 8);
    b[11] = (byte) ssrc;
    System.arraycopy(payload, 0, b, 12, payload.length);
    return p;
  }

  private SrtpSession.Packet forged(int ssrc, int seq) {
    byte[] junk = new byte[40];
    random.nextBytes(junk);
    return rtp(ssrc, seq, junk);
  }

  @Test
  void aGenuineSourceIsDecryptedAndAForgedOneRefused() throws Exception {
    byte[] payload = "twenty bytes of opus".getBytes();
    try (SrtpSession browser = browser(0xABCD)) {
      SrtpSession.Packet p = rtp(0xABCD, 1, payload);
      assertTrue(browser.protectRtp(p));
      assertNotEquals(12 + payload.length, p.getLength(), "the tag was added");
      assertEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(p, 0xABCD));
      assertArrayEquals(payload, Arrays.copyOfRange(p.getBuffer(), 12, 12 + payload.length));
    }
    assertNotEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(forged(0xABCD, 2), 0xABCD));
  }

  @Test
  void forgedPacketsOfNewSourcesTakeNoPlace() throws Exception {
    for (int i = 0; i < 3 * SrtpSession.MAX_SOURCES; i++) {
      assertNotEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(forged(0x5000 + i, 1), 0x5000 + i));
    }
    // every place is still free for the browser's real sources
    for (int s = 0; s < SrtpSession.MAX_SOURCES; s++) {
      int ssrc = 0x7000 + s;
      try (SrtpSession browser = browser(ssrc)) {
        SrtpSession.Packet p = rtp(ssrc, 7, new byte[] {1, 2, 3});
        assertTrue(browser.protectRtp(p));
        assertEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(p, ssrc), "source " + s);
      }
    }
    try (SrtpSession browser = browser(0x7FFF)) {
      SrtpSession.Packet p = rtp(0x7FFF, 7, new byte[] {1, 2, 3});
      assertTrue(browser.protectRtp(p));
      assertEquals(SrtpErrorStatus.FAIL, gateway.unprotectRtp(p, 0x7FFF), "one source too many");
    }
  }

  @Test
  void aReplayedPacketIsRefused() throws Exception {
    try (SrtpSession browser = browser(0xABCD)) {
      SrtpSession.Packet p = rtp(0xABCD, 5, new byte[] {1, 2, 3});
      assertTrue(browser.protectRtp(p));
      byte[] wire = Arrays.copyOf(p.getBuffer(), p.getLength());
      assertEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(p, 0xABCD));
      SrtpSession.Packet again = new SrtpSession.Packet(256).reset(wire.length);
      System.arraycopy(wire, 0, again.getBuffer(), 0, wire.length);
      assertEquals(SrtpErrorStatus.REPLAY_FAIL, gateway.unprotectRtp(again, 0xABCD));
    }
  }

  @Test
  void aNewKeyOfThePeerReplacesTheOldOneForWhatComesIn() throws Exception {
    byte[] newKey = new byte[SrtpKeys.KEY_LENGTH];
    byte[] newSalt = new byte[SrtpKeys.SALT_LENGTH];
    random.nextBytes(newKey);
    random.nextBytes(newSalt);
    gateway.receiveWith(newKey, newSalt);
    try (SrtpSession old = browser(0xABCD);
        SrtpSession renewed = new SrtpSession(new SrtpKeys(newKey, newSalt,
            gatewayKeys.sendKey(), gatewayKeys.sendSalt(), TAG), 0xABCD)) {
      SrtpSession.Packet p = rtp(0xABCD, 9, new byte[] {4, 5, 6});
      assertTrue(old.protectRtp(p));
      assertNotEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(p, 0xABCD), "the old key");
      SrtpSession.Packet q = rtp(0xABCD, 10, new byte[] {4, 5, 6});
      assertTrue(renewed.protectRtp(q));
      assertEquals(SrtpErrorStatus.OK, gateway.unprotectRtp(q, 0xABCD), "the new key");
    }
  }

  @Test
  void keysNeverShowInText() {
    assertEquals("SrtpKeys[tag 10 bytes]", gatewayKeys.toString());
    gatewayKeys.destroy();
    assertArrayEquals(new byte[SrtpKeys.KEY_LENGTH], gatewayKeys.sendKey());
  }
}
