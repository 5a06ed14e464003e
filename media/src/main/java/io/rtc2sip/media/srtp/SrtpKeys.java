package io.rtc2sip.media.srtp;

import java.util.Arrays;

/**
 * The SRTP master keys and salts of one media session, both directions: what the gateway sends
 * with and what it receives with. They come from a browser leg's DTLS handshake (RFC 5764 4.2,
 * {@link #fromServerSide}) or from SDES on the SIP leg (RFC 4568, {@link #fromSdes}: our own key
 * and the peer's, each 16 bytes of key and 14 of salt). The arrays are the caller's until
 * {@link #destroy()} zeroes them; {@link #toString()} never shows them.
 *
 * @param sendKey master key of what the gateway sends
 * @param sendSalt master salt of what the gateway sends
 * @param receiveKey master key of what the peer sends
 * @param receiveSalt master salt of what the peer sends
 * @param authTagBytes SRTP authentication tag length: 10 (HMAC_SHA1_80) or 4 (_32)
 */
public record SrtpKeys(byte[] sendKey, byte[] sendSalt, byte[] receiveKey, byte[] receiveSalt,
    int authTagBytes) {
  public static final int KEY_LENGTH = 16;
  public static final int SALT_LENGTH = 14;

  /**
   * Splits exported DTLS keying material as the DTLS server (client key, server key, client salt,
   * server salt): the gateway sends with the server's and receives with the client's. The
   * material is zeroed.
   */
  public static SrtpKeys fromServerSide(byte[] material, int authTagBytes) {
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

  /**
   * The keys of an SDES exchange: {@code local} is the key and salt (30 bytes) we sent in our
   * SDP and send with, {@code remote} the peer's. Both are copied.
   */
  public static SrtpKeys fromSdes(byte[] local, byte[] remote, int authTagBytes) {
    if (local.length != KEY_LENGTH + SALT_LENGTH || remote.length != KEY_LENGTH + SALT_LENGTH) {
      throw new IllegalArgumentException("an SDES key is " + (KEY_LENGTH + SALT_LENGTH)
          + " bytes of key and salt");
    }
    return new SrtpKeys(Arrays.copyOfRange(local, 0, KEY_LENGTH),
        Arrays.copyOfRange(local, KEY_LENGTH, local.length),
        Arrays.copyOfRange(remote, 0, KEY_LENGTH),
        Arrays.copyOfRange(remote, KEY_LENGTH, remote.length), authTagBytes);
  }

  /** Zeroes the keys and salts (a session made from them keeps its own copies). */
  public void destroy() {
    Arrays.fill(sendKey, (byte) 0);
    Arrays.fill(sendSalt, (byte) 0);
    Arrays.fill(receiveKey, (byte) 0);
    Arrays.fill(receiveSalt, (byte) 0);
  }

  @Override
  public String toString() {
    return "SrtpKeys[tag " + authTagBytes + " bytes]"; // never the keys
  }
}
