package io.rtc2sip.webrtc;

import java.util.Arrays;

/**
 * The SRTP master keys and salts of one browser leg, as exported from its DTLS handshake
 * (RFC 5764 4.2: client key, server key, client salt, server salt). The gateway is the DTLS
 * server: it sends with the server's and receives with the client's.
 *
 * @param sendKey master key of what the gateway sends
 * @param sendSalt master salt of what the gateway sends
 * @param receiveKey master key of what the browser sends
 * @param receiveSalt master salt of what the browser sends
 * @param authTagBytes SRTP authentication tag length: 10 (HMAC_SHA1_80) or 4 (_32)
 */
record SrtpKeys(byte[] sendKey, byte[] sendSalt, byte[] receiveKey, byte[] receiveSalt,
    int authTagBytes) {
  static final int KEY_LENGTH = 16;
  static final int SALT_LENGTH = 14;

  /** Splits exported keying material as the DTLS server. */
  static SrtpKeys fromServerSide(byte[] material, int authTagBytes) {
    if (material.length != 2 * (KEY_LENGTH + SALT_LENGTH)) {
      throw new IllegalArgumentException("keying material of " + material.length + " bytes");
    }
    byte[] clientKey = Arrays.copyOfRange(material, 0, KEY_LENGTH);
    byte[] serverKey = Arrays.copyOfRange(material, KEY_LENGTH, 2 * KEY_LENGTH);
    byte[] clientSalt = Arrays.copyOfRange(material, 2 * KEY_LENGTH, 2 * KEY_LENGTH + SALT_LENGTH);
    byte[] serverSalt = Arrays.copyOfRange(material, 2 * KEY_LENGTH + SALT_LENGTH, material.length);
    Arrays.fill(material, (byte) 0);
    return new SrtpKeys(serverKey, serverSalt, clientKey, clientSalt, authTagBytes);
  }

  @Override
  public String toString() {
    return "SrtpKeys[tag " + authTagBytes + " bytes]"; // never the keys
  }
}
