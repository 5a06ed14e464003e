package io.rtc2sip.sip;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * Self-signed EC P-256 certificates for TLS tests, made by the openssl command (PEM certificate
 * and key, and a PKCS#12 of both), valid for two days.
 */
public record TestCertificates(Path certificate, Path key, Path pkcs12) {
  private static final String PASSWORD = "test";

  /** A pair named {@code name} under {@code dir}, made out to {@code subjectAltName}. */
  public static TestCertificates make(Path dir, String name, String subjectAltName) throws Exception {
    Path cert = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    Path p12 = dir.resolve(name + ".p12");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj",
        "/CN=" + name, "-addext", "subjectAltName=" + subjectAltName);
    openssl(dir, "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out",
        p12.toString(), "-passout", "pass:" + PASSWORD, "-name", name);
    return new TestCertificates(cert, key, p12);
  }

  /** The key and certificate, as SIP over TLS takes them. */
  public KeyManager[] keyManagers() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pkcs12)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    f.init(store, PASSWORD.toCharArray());
    return f.getKeyManagers();
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
