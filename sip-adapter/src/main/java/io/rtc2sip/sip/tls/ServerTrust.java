package io.rtc2sip.sip.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the servers our SIP over TLS connects to are checked: their certificate must chain to one
 * of the trusted certificates (a PEM file, or the JDK's authorities) and, where the socket asks
 * for it, be made out to the host we connected to. A refusal is logged once per connection with
 * the server and the reason, and counted; the handshake then fails and so does the request.
 */
final class ServerTrust extends X509ExtendedTrustManager {
  private static final Logger log = LoggerFactory.getLogger(ServerTrust.class);

  private final X509ExtendedTrustManager checked;
  private final Runnable refused;

  private ServerTrust(X509ExtendedTrustManager checked, Runnable refused) {
    this.checked = checked;
    this.refused = refused;
  }

  /**
   * The trust managers for {@code trust} (a PEM file of certificates; empty: the JDK's
   * authorities); {@code refused} runs for each server refused.
   *
   * @throws IllegalArgumentException naming the setting when the file is missing or holds no
   *     certificate
   */
  static TrustManager[] of(Optional<Path> trust, Runnable refused) {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust.isEmpty() ? null : store(trust.get()));
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x509) {
          return new TrustManager[] {new ServerTrust(x509, refused)};
        }
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("rtc2sip.sip.tls.trust: " + e.getMessage(), e);
    }
  }

  /** Trust managers that accept any server: rtc2sip.sip.tls.verify-server = off (tests). */
  static TrustManager[] anyServer() {
    return new TrustManager[] {new AnyServer()};
  }

  private static KeyStore store(Path pem) throws GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(pem)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("rtc2sip.sip.tls.trust: cannot read " + pem + ": "
          + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("rtc2sip.sip.tls.trust: " + pem
          + " is not a PEM file of certificates: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("rtc2sip.sip.tls.trust: " + pem
          + " holds no certificate");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (Certificate c : certificates) {
      store.setCertificateEntry("trusted-" + i++, c);
    }
    return store;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      checked.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      refuse(chain, socket == null || socket.getInetAddress() == null ? "?"
          : socket.getInetAddress().getHostAddress() + ":" + socket.getPort(), e);
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      checked.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      refuse(chain, engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort(), e);
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      checked.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      refuse(chain, "?", e);
      throw e;
    }
  }

  private void refuse(X509Certificate[] chain, String server, CertificateException e) {
    refused.run();
    String subject = chain == null || chain.length == 0 ? "none"
        : chain[0].getSubjectX500Principal().getName();
    log.warn("SIP over TLS to {} refused: the server's certificate ({}) is not trusted: {}",
        server, subject, e.getMessage());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checked.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checked.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checked.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return checked.getAcceptedIssuers();
  }

  /** Accepts every certificate: no check of the chain nor of the host. */
  private static final class AnyServer extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // clients are not asked for certificates
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // verify-server = off
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // clients are not asked for certificates
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // verify-server = off
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // clients are not asked for certificates
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // verify-server = off
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
