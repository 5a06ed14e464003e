package io.rtc2sip.app.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's certificate chain and private key, and the {@link SSLContext} its TLS listeners
 * (HTTPS, WSS, signaling over TLS) speak with. Loaded from the files {@link TlsSettings} names,
 * or generated once ({@link SelfSigned}). Errors name the setting and the file, never the
 * password or key; {@link #toString()} shows only the public certificate's subject, SHA-256
 * fingerprint and expiry.
 */
public final class NodeCertificate {
  private static final Logger log = LoggerFactory.getLogger(NodeCertificate.class);
  /**
   * For decrypting PEM keys (OpenSSL's ciphers, such as AES-CBC with PKCS#7 padding, are not
   * all in the JDK); passed where used, not installed as a JVM-wide provider.
   */
  private static final Provider BC = new BouncyCastleProvider();

  private final List<X509Certificate> chain;
  private final SSLContext context;
  private final KeyManager[] keyManagers;
  private final String origin;

  private NodeCertificate(List<X509Certificate> chain, PrivateKey key, String origin)
      throws GeneralSecurityException {
    this.chain = List.copyOf(chain);
    this.origin = origin;
    char[] transientPassword = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    store.setKeyEntry("node", key, transientPassword, chain.toArray(Certificate[]::new));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, transientPassword);
    this.keyManagers = keys.getKeyManagers();
    this.context = SSLContext.getInstance("TLS");
    context.init(keyManagers, null, null);
  }

  /** The node's key and chain, for a TLS context of its own (SIP over TLS checks servers). */
  public KeyManager[] keyManagers() {
    return keyManagers.clone();
  }

  /**
   * Loads (or generates, see {@link TlsSettings#selfSigned()}) the node's certificate; an
   * {@link IllegalArgumentException} naming the setting when a file is missing, garbled or its
   * password wrong.
   */
  public static NodeCertificate load(TlsSettings settings) {
    NodeCertificate loaded;
    if (settings.pkcs12().isPresent()) {
      loaded = fromPkcs12(settings.pkcs12().get(), settings.password());
    } else if (settings.certificate().isPresent()) {
      loaded = fromPem(settings.certificate().get(), settings.key().get(), settings.password());
    } else {
      SelfSigned.Pair pair = SelfSigned.ensure(settings.dataDir().resolve("tls"),
          settings.names());
      loaded = fromPem(pair.certificate(), pair.key(), new char[0],
          "self-signed, generated in " + pair.certificate().getParent());
    }
    return loaded;
  }

  /** Logs the certificate the node presents (subject, fingerprint, expiry; never the key). */
  void logPresented() {
    log.info("tls certificate {}", this);
    if (certificate().getNotAfter().toInstant().isBefore(Instant.now())) {
      log.warn("tls certificate {} has expired: clients will refuse it", this);
    }
  }

  /** The TLS context with the node's key (no client certificates asked for). */
  public SSLContext context() {
    return context;
  }

  /** The node's own certificate (the chain's first). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  /** The SHA-256 fingerprint of the node's certificate, as hex pairs with colons. */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return certificate().getSubjectX500Principal().getName() + " (sha-256 " + fingerprint()
        + ", expires " + certificate().getNotAfter().toInstant() + ", from " + origin + ")";
  }

  static NodeCertificate fromPkcs12(Path file, char[] password) {
    String setting = "rtc2sip.tls.pkcs12 (" + file + ")";
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      Enumeration<String> aliases = store.aliases();
      while (aliases.hasMoreElements()) {
        String alias = aliases.nextElement();
        if (store.isKeyEntry(alias)) {
          PrivateKey key = (PrivateKey) store.getKey(alias, password);
          List<X509Certificate> chain = new ArrayList<>();
          for (Certificate c : store.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
          }
          return new NodeCertificate(chain, key, setting);
        }
      }
      throw new IllegalArgumentException(setting + " holds no private key");
    } catch (IOException e) {
      if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
        throw new IllegalArgumentException(setting + ": wrong password"
            + " (rtc2sip.tls.password, RTC2SIP_TLS_PASSWORD)");
      }
      throw new IllegalArgumentException(setting + " is not a readable PKCS#12 file, or the"
          + " password (rtc2sip.tls.password, RTC2SIP_TLS_PASSWORD) is wrong: "
          + e.getClass().getSimpleName(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + " cannot be used: "
          + e.getClass().getSimpleName(), e);
    }
  }

  static NodeCertificate fromPem(Path certificate, Path key, char[] password) {
    return fromPem(certificate, key, password, "rtc2sip.tls.certificate (" + certificate + ")");
  }

  private static NodeCertificate fromPem(Path certificate, Path key, char[] password,
      String origin) {
    String certSetting = "rtc2sip.tls.certificate (" + certificate + ")";
    String keySetting = "rtc2sip.tls.key (" + key + ")";
    List<X509Certificate> chain = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(certificate, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      Object o;
      while ((o = pem.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | RuntimeException | GeneralSecurityException e) {
      throw new IllegalArgumentException(certSetting + " is not a readable PEM certificate: "
          + e.getClass().getSimpleName(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(certSetting + " holds no PEM certificate");
    }
    PrivateKey privateKey = readKey(key, password, keySetting);
    if (!belongTogether(privateKey, chain.get(0))) {
      throw new IllegalArgumentException(keySetting + " is not the key of the certificate in "
          + certSetting);
    }
    try {
      return new NodeCertificate(chain, privateKey, origin);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(keySetting + " does not go with " + certSetting + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Whether {@code key} is the private key of {@code certificate}: a signature made with it
   * verifies with the certificate's public key. True for key types not checked here.
   */
  static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] probe = "rtc2sip node certificate check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PrivateKey readKey(Path key, char[] password, String setting) {
    Object o;
    try (Reader in = Files.newBufferedReader(key, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      o = pem.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(setting + " is not a readable PEM key: "
          + e.getClass().getSimpleName(), e);
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKeyInfo info;
    if (o instanceof PrivateKeyInfo plain) {
      info = plain;
    } else if (o instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
      needsPassword(password, setting);
      try {
        info = encrypted.decryptPrivateKeyInfo(
            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password));
      } catch (Exception e) {
        throw wrongPassword(setting, e);
      }
    } else if (o instanceof PEMEncryptedKeyPair encrypted) {
      needsPassword(password, setting);
      try {
        info = encrypted.decryptKeyPair(
            new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password))
            .getPrivateKeyInfo();
      } catch (Exception e) {
        throw wrongPassword(setting, e);
      }
    } else {
      throw new IllegalArgumentException(setting + " holds no PEM private key");
    }
    try {
      return converter.getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(setting + " is not a usable private key: "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** Only the exception's type goes into the message; its cause stays for the stack trace. */
  private static IllegalArgumentException wrongPassword(String setting, Exception e) {
    return new IllegalArgumentException(setting + " cannot be decrypted: wrong password"
        + " (rtc2sip.tls.password, RTC2SIP_TLS_PASSWORD) or a damaged key", e);
  }

  private static void needsPassword(char[] password, String setting) {
    if (password.length == 0) {
      throw new IllegalArgumentException(setting + " is encrypted: set rtc2sip.tls.password"
          + " (RTC2SIP_TLS_PASSWORD)");
    }
  }
}
