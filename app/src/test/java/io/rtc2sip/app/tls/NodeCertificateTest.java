package io.rtc2sip.app.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's certificate from each source, and the errors a bad file or password gives. */
class NodeCertificateTest {
  private static final String SECRET = "correct-horse-battery";
  private static final List<String> NAMES = List.of("localhost", "127.0.0.1", "::1");

  @TempDir Path dir;

  private TlsSettings generated(Path dataDir) {
    return new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty(), new char[0],
        dataDir, NAMES);
  }

  @Test
  void theSelfSignedPairIsGeneratedOnceAndReusedOnRestart() throws Exception {
    NodeCertificate first = NodeCertificate.load(generated(dir));
    Path key = dir.resolve("tls").resolve(SelfSigned.KEY);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    NodeCertificate again = NodeCertificate.load(generated(dir));
    assertEquals(first.fingerprint(), again.fingerprint());
    assertEquals(first.certificate().getSubjectAlternativeNames().size(), NAMES.size());
    // another data directory: another pair
    assertNotEquals(first.fingerprint(),
        NodeCertificate.load(generated(dir.resolve("other"))).fingerprint());
    assertFalse(first.toString().contains("PRIVATE"), first.toString());
    assertTrue(first.toString().contains(first.fingerprint()), first.toString());
  }

  @Test
  void pemFilesAreLoaded() {
    NodeCertificate own = NodeCertificate.load(generated(dir));
    Path tls = dir.resolve("tls");
    NodeCertificate pem = NodeCertificate.load(new TlsSettings(
        Optional.of(tls.resolve(SelfSigned.CERTIFICATE)), Optional.of(tls.resolve(SelfSigned.KEY)),
        Optional.empty(), new char[0], dir.resolve("unused"), NAMES));
    assertEquals(own.fingerprint(), pem.fingerprint());
    assertFalse(Files.exists(dir.resolve("unused")), "nothing generated when files are named");
  }

  @Test
  void anEncryptedPemKeyNeedsItsPasswordAndAWrongOneIsNamedNotShown() throws Exception {
    NodeCertificate own = NodeCertificate.load(generated(dir));
    Path tls = dir.resolve("tls");
    Path encrypted = dir.resolve("encrypted-key.pem");
    OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
        .setPassword(SECRET.toCharArray()).build();
    try (Writer out = Files.newBufferedWriter(encrypted, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(privateKey(tls), encryptor));
    }
    TlsSettings right = new TlsSettings(Optional.of(tls.resolve(SelfSigned.CERTIFICATE)),
        Optional.of(encrypted), Optional.empty(), SECRET.toCharArray(), dir, NAMES);
    assertEquals(own.fingerprint(), NodeCertificate.load(right).fingerprint());
    String wrong = "wrong-" + SECRET;
    var e = assertThrows(IllegalArgumentException.class, () -> NodeCertificate.load(
        new TlsSettings(right.certificate(), right.key(), Optional.empty(), wrong.toCharArray(),
            dir, NAMES)));
    assertTrue(e.getMessage().contains("rtc2sip.tls.key"), e.getMessage());
    assertTrue(e.getMessage().contains("rtc2sip.tls.password"), e.getMessage());
    assertFalse(e.getMessage().contains(wrong), e.getMessage());
    var none = assertThrows(IllegalArgumentException.class, () -> NodeCertificate.load(
        new TlsSettings(right.certificate(), right.key(), Optional.empty(), new char[0], dir,
            NAMES)));
    assertTrue(none.getMessage().contains("is encrypted"), none.getMessage());
  }

  @Test
  void aPkcs12FileIsLoadedAndAWrongPasswordIsNamedNotShown() throws Exception {
    NodeCertificate own = NodeCertificate.load(generated(dir));
    Path p12 = dir.resolve("node.p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("node", privateKey(dir.resolve("tls")), SECRET.toCharArray(),
        own.chain().toArray(Certificate[]::new));
    try (OutputStream out = Files.newOutputStream(p12)) {
      store.store(out, SECRET.toCharArray());
    }
    NodeCertificate loaded = NodeCertificate.load(pkcs12(p12, SECRET));
    assertEquals(own.fingerprint(), loaded.fingerprint());
    String wrong = "not-" + SECRET;
    var e = assertThrows(IllegalArgumentException.class,
        () -> NodeCertificate.load(pkcs12(p12, wrong)));
    assertTrue(e.getMessage().contains("rtc2sip.tls.pkcs12"), e.getMessage());
    assertTrue(e.getMessage().contains("password"), e.getMessage());
    assertFalse(e.getMessage().contains(wrong), e.getMessage());
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    NodeCertificate.load(generated(dir.resolve("one")));
    NodeCertificate.load(generated(dir.resolve("two")));
    Path certificate = dir.resolve("one").resolve("tls").resolve(SelfSigned.CERTIFICATE);
    Path otherKey = dir.resolve("two").resolve("tls").resolve(SelfSigned.KEY);
    var e = assertThrows(IllegalArgumentException.class, () -> NodeCertificate.load(
        new TlsSettings(Optional.of(certificate), Optional.of(otherKey), Optional.empty(),
            new char[0], dir, NAMES)));
    assertTrue(e.getMessage().startsWith("rtc2sip.tls.key (" + otherKey + ") is not the key"),
        e.getMessage());
  }

  @Test
  void garbledOrMissingFilesNameTheirSetting() throws Exception {
    Path garbled = dir.resolve("garbled.pem");
    Files.writeString(garbled, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
        + "-----END CERTIFICATE-----\n");
    var cert = assertThrows(IllegalArgumentException.class, () -> NodeCertificate.load(
        new TlsSettings(Optional.of(garbled), Optional.of(garbled), Optional.empty(),
            new char[0], dir, NAMES)));
    assertTrue(cert.getMessage().startsWith("rtc2sip.tls.certificate (" + garbled + ")"),
        cert.getMessage());
    var p12 = assertThrows(IllegalArgumentException.class,
        () -> NodeCertificate.load(pkcs12(garbled, SECRET)));
    assertTrue(p12.getMessage().startsWith("rtc2sip.tls.pkcs12 (" + garbled + ")"),
        p12.getMessage());
    assertFalse(p12.getMessage().contains(SECRET), p12.getMessage());
    Path missing = dir.resolve("missing.pem");
    var gone = assertThrows(IllegalArgumentException.class, () -> NodeCertificate.load(
        new TlsSettings(Optional.of(missing), Optional.of(missing), Optional.empty(),
            new char[0], dir, NAMES)));
    assertTrue(gone.getMessage().contains("rtc2sip.tls.certificate"), gone.getMessage());
  }

  @Test
  void certificateAndKeyGoTogetherAndNotWithPkcs12() {
    Path f = dir.resolve("f.pem");
    assertThrows(IllegalArgumentException.class, () -> new TlsSettings(Optional.of(f),
        Optional.empty(), Optional.empty(), new char[0], dir, NAMES));
    assertThrows(IllegalArgumentException.class, () -> new TlsSettings(Optional.of(f),
        Optional.of(f), Optional.of(f), new char[0], dir, NAMES));
  }

  private static TlsSettings pkcs12(Path file, String password) {
    return new TlsSettings(Optional.empty(), Optional.empty(), Optional.of(file),
        password.toCharArray(), file.getParent().resolve("unused"), NAMES);
  }

  private static PrivateKey privateKey(Path tls) throws Exception {
    try (var in = Files.newBufferedReader(tls.resolve(SelfSigned.KEY));
        var pem = new org.bouncycastle.openssl.PEMParser(in)) {
      return new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
          .getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) pem.readObject());
    }
  }
}
