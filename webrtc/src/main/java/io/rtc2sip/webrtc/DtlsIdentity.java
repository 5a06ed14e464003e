package io.rtc2sip.webrtc;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node's DTLS identity for browser legs: an ECDSA P-256 key and a self-signed certificate,
 * made when the node starts and never written anywhere. Browsers authenticate it by the
 * fingerprint in the SDP answer (RFC 8122), not by its issuer or dates.
 */
final class DtlsIdentity {
  private static final Duration VALIDITY = Duration.ofDays(365);

  final PrivateKey privateKey;
  final byte[] certificate;
  /** SHA-256 of the certificate: upper-case hex pairs separated by colons. */
  final String fingerprint;

  private DtlsIdentity(PrivateKey privateKey, byte[] certificate) {
    this.privateKey = privateKey;
    this.certificate = certificate;
    this.fingerprint = fingerprint("sha-256", certificate);
  }

  /** A fresh key and certificate named {@code commonName}. */
  static DtlsIdentity generate(String commonName, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = generator.generateKeyPair();
      X500Name name = new X500Name("CN=" + commonName);
      Instant now = Instant.now();
      X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
          name, new BigInteger(64, random).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)),
          name, keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      return new DtlsIdentity(keys.getPrivate(), holder.getEncoded());
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot make the DTLS certificate: " + e, e);
    }
  }

  /**
   * The fingerprint of a DER certificate with hash {@code hash} as SDP writes it ({@code sha-256}
   * and friends, RFC 8122): upper-case hex pairs separated by colons.
   */
  static String fingerprint(String hash, byte[] der) {
    try {
      byte[] digest = MessageDigest.getInstance(hash.toUpperCase(Locale.ROOT)).digest(der);
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unknown fingerprint hash " + hash, e);
    }
  }
}
