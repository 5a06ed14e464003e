package io.rtc2sip.tests.support;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client's TLS context that trusts a node's own certificate: the self-signed one a node
 * generates under its data directory when {@code rtc2sip.tls} names no files.
 */
public final class NodeTrust {
  private NodeTrust() {}

  /** The PEM file of the certificate a node generated under {@code dataDir}. */
  public static Path generatedCertificate(Path dataDir) {
    return dataDir.resolve("tls").resolve("node-certificate.pem");
  }

  /**
   * The base64 SHA-256 of the public key of the first certificate in {@code pem}: what
   * Chromium's {@code --ignore-certificate-errors-spki-list} trusts.
   */
  public static String spkiHash(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
      return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
          .getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
    }
  }

  /** A TLS context trusting only the certificates in {@code pem}. */
  public static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("node-" + n++, c);
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
