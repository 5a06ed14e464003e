package io.rtc2sip.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How the CLI opens a signaling connection: plain TCP, or TLS ({@code --tls}) trusting the
 * JDK's certificate authorities, the certificates of a PEM file ({@code --trust}), or, for a
 * test against a self-signed node, anything ({@code --insecure}: no check of the certificate
 * nor of the host name).
 */
final class Transport {
  private static final int CONNECT_TIMEOUT_MS = 5000;

  private final SSLContext tls;
  private final boolean verify;

  private Transport(SSLContext tls, boolean verify) {
    this.tls = tls;
    this.verify = verify;
  }

  static Transport plain() {
    return new Transport(null, true);
  }

  /** TLS; {@code trust} a PEM file of certificates to trust instead of the JDK's. */
  static Transport tls(java.util.Optional<Path> trust) throws IOException,
      GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.isEmpty() ? null : trusting(trust.get()), null);
    return new Transport(context, true);
  }

  /** TLS that accepts any certificate for any host: for testing against a self-signed node. */
  static Transport insecure() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AnyCertificate()}, null);
    return new Transport(context, false);
  }

  boolean secure() {
    return tls != null;
  }

  /** A connected socket to {@code at}; for TLS with the handshake done. */
  Socket open(InetSocketAddress at) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(at.getHostString(), at.getPort()), CONNECT_TIMEOUT_MS);
    if (tls == null) {
      return s;
    }
    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(s, at.getHostString(),
        at.getPort(), true);
    if (verify) {
      SSLParameters parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secure.setSSLParameters(parameters);
    }
    secure.setSoTimeout(CONNECT_TIMEOUT_MS);
    try {
      secure.startHandshake();
    } catch (IOException e) {
      secure.close();
      throw e;
    }
    secure.setSoTimeout(0);
    return secure;
  }

  private static TrustManager[] trusting(Path pem) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int n = 0;
    try (InputStream in = Files.newInputStream(pem)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("trusted-" + n++, c);
      }
    }
    if (n == 0) {
      throw new GeneralSecurityException("--trust " + pem + " holds no PEM certificate");
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    return trust.getTrustManagers();
  }

  /** Trusts every server: {@code --insecure}. */
  private static final class AnyCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
