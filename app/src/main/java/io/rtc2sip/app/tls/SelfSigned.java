package io.rtc2sip.app.tls;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own certificate when no file is configured: an EC P-256 key and a self-signed
 * certificate for the node's names, written once as PEM under the data directory (the key
 * readable by the node's user only) and reused on every later start, so that a client that
 * trusted it once keeps trusting it. A new pair replaces one that expires within a day.
 */
final class SelfSigned {
  private static final Logger log = LoggerFactory.getLogger(SelfSigned.class);
  static final String CERTIFICATE = "node-certificate.pem";
  static final String KEY = "node-key.pem";
  static final Duration VALIDITY = Duration.ofDays(825);

  private SelfSigned() {}

  /** The PEM files of the pair. */
  record Pair(Path certificate, Path key) {}

  /** The pair under {@code dir}, generated there first if missing or expiring. */
  static Pair ensure(Path dir, List<String> names) {
    Pair pair = new Pair(dir.resolve(CERTIFICATE), dir.resolve(KEY));
    if (Files.isRegularFile(pair.certificate()) && Files.isRegularFile(pair.key())) {
      X509Certificate existing = NodeCertificate.fromPem(pair.certificate(), pair.key(),
          new char[0]).certificate();
      if (existing.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
        return pair;
      }
      log.info("the generated tls certificate in {} expires {}: generating a new one", dir,
          existing.getNotAfter().toInstant());
    }
    try {
      generate(dir, pair, names);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the node's self-signed certificate in "
          + dir + " (rtc2sip.data-dir): " + e.getMessage(), e);
    }
    log.info("generated a self-signed tls certificate for {} in {} (rtc2sip.tls names no"
        + " files)", names, dir);
    return pair;
  }

  private static void generate(Path dir, Pair pair, List<String> names)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair keys = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + names.get(0) + ",O=rtc2sip node (self-signed)");
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
        new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
        names.stream().map(SelfSigned::generalName).toArray(GeneralName[]::new)));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    // the key first, to a file nobody else may read, then moved into place
    Path keyTemp = Files.createTempFile(dir, "key", ".tmp");
    try {
      restrict(keyTemp);
      writePem(keyTemp, new JcaPKCS8Generator(keys.getPrivate(), null));
      Path certTemp = Files.createTempFile(dir, "cert", ".tmp");
      writePem(certTemp, certificate);
      Files.move(keyTemp, pair.key(), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.move(certTemp, pair.certificate(), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(keyTemp);
    }
  }

  private static GeneralName generalName(String name) {
    boolean address = name.contains(":") || name.chars().allMatch(c -> c == '.'
        || Character.isDigit(c));
    if (address) {
      try {
        return new GeneralName(GeneralName.iPAddress,
            InetAddress.getByName(name).getHostAddress());
      } catch (IOException e) {
        // not an address after all: a DNS name below
      }
    }
    return new GeneralName(GeneralName.dNSName, name);
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // a file system without POSIX permissions: the directory's own protection applies
    }
  }

  private static void writePem(Path file, Object value) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(value);
    }
  }
}
