package io.rtc2sip.actors.port;

import java.util.Optional;

/**
 * The SRTP crypto suites the SIP leg negotiates with SDES (RFC 4568 6.2): AES counter mode with
 * a 128-bit key and HMAC-SHA1, whose SRTP tag is 80 or 32 bits (SRTCP's is 80 bits with both).
 * Both take a 16-byte master key and a 14-byte master salt.
 */
public enum SrtpSuite {
  AES_CM_128_HMAC_SHA1_80(10),
  AES_CM_128_HMAC_SHA1_32(4);

  private final int authTagBytes;

  SrtpSuite(int authTagBytes) {
    this.authTagBytes = authTagBytes;
  }

  /** The length of the SRTP authentication tag in bytes. */
  public int authTagBytes() {
    return authTagBytes;
  }

  /** The suite of an SDP crypto attribute's name; empty for suites we do not speak. */
  public static Optional<SrtpSuite> named(String name) {
    for (SrtpSuite s : values()) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
