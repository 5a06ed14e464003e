package io.rtc2sip.webrtc;

import io.rtc2sip.media.srtp.SrtpKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Hashtable;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The DTLS side of one browser leg (RFC 5763/5764): the gateway is the DTLS server, the browser
 * must present the certificate whose fingerprint its offer announced, and the handshake yields
 * the SRTP keys. Records arrive from the socket thread ({@link #received}); the handshake runs on
 * a thread of the node's DTLS pool and waits for them there, and so does the processing of
 * records that come after it (a close_notify, a repeated flight), a short task per burst. No
 * thread waits for a browser that sends nothing.
 */
final class DtlsConnection {

  /** What becomes of the connection; each called at most once, on a DTLS thread. */
  interface Events {
    void connected(SrtpKeys keys);

    void closed(String reason);

    void failed(String reason);
  }

  /** Makes the connection of a leg (the node's identity, crypto, pool and timeout are fixed). */
  interface Factory {
    DtlsConnection create(BrowserOffer offer, Sender sender, Events events);
  }

  /** Sends a datagram to the browser (its ICE-selected address). */
  interface Sender {
    void send(byte[] data, int offset, int length) throws IOException;
  }

  private static final int MTU = 1200;
  private static final int QUEUED = 32;
  /** Put into the queue by {@link #close}: wakes a handshake waiting for the browser. */
  private static final byte[] CLOSED = new byte[0];

  private final JcaTlsCrypto crypto;
  private final DtlsIdentity identity;
  private final String peerHash;
  private final String peerFingerprint;
  private final Sender sender;
  private final Events events;
  private final Executor executor;
  private final int timeoutMillis;
  private final BlockingQueue<byte[]> records = new ArrayBlockingQueue<>(QUEUED);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean pumping = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile DTLSTransport transport;
  private volatile boolean closing;
  /** Guards {@link #handshaking}, {@link #afterHandshake} and setting {@link #transport}. */
  private final Object lock = new Object();
  /** Whether the handshake runs: a close meanwhile is carried out when it returns. */
  private boolean handshaking;
  /** The end of a close that came while the handshake ran (see {@link #close}). */
  private Runnable afterHandshake;

  DtlsConnection(JcaTlsCrypto crypto, DtlsIdentity identity, String peerHash,
      String peerFingerprint, Sender sender, Events events, Executor executor,
      int timeoutMillis) {
    this.crypto = crypto;
    this.identity = identity;
    this.peerHash = peerHash;
    this.peerFingerprint = peerFingerprint;
    this.sender = sender;
    this.events = events;
    this.executor = executor;
    this.timeoutMillis = timeoutMillis;
  }

  /** A DTLS record from the browser (socket thread); false when it was dropped. */
  boolean received(ByteBuffer datagram) {
    if (closing) {
      return false;
    }
    byte[] copy = new byte[datagram.remaining()];
    datagram.get(copy);
    if (!records.offer(copy)) {
      return false;
    }
    try {
      if (started.compareAndSet(false, true)) {
        executor.execute(this::handshake);
      } else if (transport != null && pumping.compareAndSet(false, true)) {
        executor.execute(this::pump);
      }
    } catch (RejectedExecutionException e) {
      return false; // the node is stopping
    }
    return true;
  }

  /**
   * Ends the connection: a close_notify to the browser when it was up, then {@code after} (which
   * closes the socket), on a DTLS thread; at once when there is nothing to send.
   */
  void close(Runnable after) {
    closing = true;
    ended.set(true);
    records.clear();
    records.offer(CLOSED); // a handshake waiting in receive() gives up at once
    DTLSTransport t;
    synchronized (lock) {
      t = transport;
      if (t == null && handshaking) {
        // the handshake may be sending its last flight: the browser then counts the connection
        // as up and must get its close_notify, so the handshake's thread ends the connection
        afterHandshake = after;
        return;
      }
    }
    if (t == null) {
      after.run();
      return;
    }
    try {
      executor.execute(() -> closeThen(t, after));
    } catch (RejectedExecutionException e) {
      after.run(); // the node is stopping
    }
  }

  /** Sends the close_notify of {@code t}, then runs {@code after}. */
  private static void closeThen(DTLSTransport t, Runnable after) {
    try {
      t.close();
    } catch (IOException | RuntimeException e) {
      // the browser may be gone already; nothing waits for this alert
    } finally {
      after.run();
    }
  }

  private void handshake() {
    synchronized (lock) {
      if (closing) {
        return; // the leg ended while the handshake waited for a thread
      }
      handshaking = true;
    }
    DTLSServerProtocol protocol = new DTLSServerProtocol();
    protocol.setVerifyRequests(false); // ICE already proved the browser's address
    Server server = new Server();
    DTLSTransport t = null;
    try {
      t = protocol.accept(server, new Channel());
    } catch (IOException | RuntimeException e) {
      if (!closing && ended.compareAndSet(false, true)) {
        events.failed("DTLS handshake failed: " + describe(e));
      }
    }
    Runnable closed;
    synchronized (lock) {
      handshaking = false;
      transport = t;
      closed = afterHandshake;
      afterHandshake = null;
    }
    if (closed != null) {
      if (t != null) {
        closeThen(t, closed);
      } else {
        closed.run();
      }
    } else if (t != null) {
      pumping.set(true);
      pump();
    }
  }

  /** Hands queued records to the record layer; exits when the queue is empty. */
  private void pump() {
    byte[] buf = new byte[MTU + 100];
    DTLSTransport t = transport;
    try {
      while (!closing && !records.isEmpty()) {
        t.receive(buf, 0, buf.length, 1); // application data is not used on this connection
      }
    } catch (IOException | RuntimeException e) {
      if (!closing && ended.compareAndSet(false, true)) {
        events.closed("DTLS ended: " + describe(e));
      }
    } finally {
      pumping.set(false);
      if (!closing && !records.isEmpty() && pumping.compareAndSet(false, true)) {
        try {
          executor.execute(this::pump);
        } catch (RejectedExecutionException e) {
          pumping.set(false);
        }
      }
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof TlsFatalAlert alert) {
      return "alert " + AlertDescription.getText(alert.getAlertDescription())
          + (alert.getMessage() == null ? "" : " (" + alert.getMessage() + ")");
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** BouncyCastle's view of the socket: records queued by the socket thread, sends to ICE. */
  private final class Channel implements DatagramTransport {
    @Override
    public int getReceiveLimit() {
      return MTU + 100;
    }

    @Override
    public int getSendLimit() {
      return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
      byte[] record;
      try {
        record = records.poll(waitMillis == 0 ? timeoutMillis : waitMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
      if (closing || record == CLOSED) {
        throw new java.io.InterruptedIOException("the browser leg closed");
      }
      if (record == null) {
        return -1;
      }
      int n = Math.min(len, record.length);
      System.arraycopy(record, 0, buf, off, n);
      return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
      if (!closing || transport != null) {
        sender.send(buf, off, len);
      }
    }

    @Override
    public void close() {
      // the leg owns the socket
    }
  }

  /** The TLS server of the handshake: DTLS 1.2, ECDSA, use_srtp, a client certificate. */
  private final class Server extends DefaultTlsServer {
    private int profile = -1;

    Server() {
      super(crypto);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA});
    }

    @Override
    public int getHandshakeTimeoutMillis() {
      return timeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
      Certificate certificate = new Certificate(
          new TlsCertificate[] {crypto.createCertificate(identity.certificate)});
      return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
          identity.privateKey, certificate,
          SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
      super.processClientExtensions(clientExtensions);
      UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
      if (offered == null) {
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offers no SRTP");
      }
      for (int p : offered.getProtectionProfiles()) {
        if (p == SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80) {
          profile = p;
          return;
        }
        if (p == SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32 && profile < 0) {
          profile = p;
        }
      }
      if (profile < 0) {
        throw new TlsFatalAlert(AlertDescription.handshake_failure,
            "no common SRTP profile (the gateway takes AES128_CM_HMAC_SHA1_80 or _32)");
      }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
      Hashtable extensions = super.getServerExtensions();
      if (extensions == null) {
        extensions = new Hashtable();
      }
      TlsSRTPUtils.addUseSRTPExtension(extensions,
          new UseSRTPData(new int[] {profile}, TlsUtils.EMPTY_BYTES));
      return extensions;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
      Vector<SignatureAndHashAlgorithm> algorithms =
          TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
      return new CertificateRequest(
          new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
          algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
      if (clientCertificate == null || clientCertificate.isEmpty()) {
        throw new TlsFatalAlert(AlertDescription.bad_certificate,
            "the browser sent no certificate");
      }
      String actual = DtlsIdentity.fingerprint(peerHash,
          clientCertificate.getCertificateAt(0).getEncoded());
      if (!actual.equalsIgnoreCase(peerFingerprint)) {
        throw new TlsFatalAlert(AlertDescription.bad_certificate,
            "the browser's certificate does not match the fingerprint of its offer");
      }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
          2 * (SrtpKeys.KEY_LENGTH + SrtpKeys.SALT_LENGTH));
      if (!closing) {
        events.connected(SrtpKeys.fromServerSide(material,
            profile == SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80 ? 10 : 4));
      }
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
      if (closing) {
        return;
      }
      if (alertDescription == AlertDescription.close_notify
          || alertLevel == AlertLevel.fatal) {
        if (ended.compareAndSet(false, true)) {
          String what = AlertDescription.getText(alertDescription);
          if (transport == null && alertDescription != AlertDescription.close_notify) {
            events.failed("the browser ended the DTLS handshake: " + what);
          } else {
            events.closed("the browser closed the connection (" + what + ")");
          }
        }
      }
    }
  }
}
