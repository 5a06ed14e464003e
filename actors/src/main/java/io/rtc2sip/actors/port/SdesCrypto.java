package io.rtc2sip.actors.port;

/**
 * What a peer's SDP said about SRTP (RFC 4568): the crypto suite chosen and the peer's master
 * key, with which the peer sends. Node-local like {@link SdesKey}.
 *
 * @param suite the suite of the chosen crypto attribute
 * @param remoteKey the peer's key and salt
 */
public record SdesCrypto(SrtpSuite suite, SdesKey remoteKey) {

  @Override
  public String toString() {
    return "SdesCrypto[" + suite + ", key redacted]";
  }
}
