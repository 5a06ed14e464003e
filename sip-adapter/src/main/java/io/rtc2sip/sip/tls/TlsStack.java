package io.rtc2sip.sip.tls;

import gov.nist.javax.sip.SipStackImpl;
import io.rtc2sip.sip.SipTls;
import java.security.GeneralSecurityException;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP over TLS on the JAIN-SIP stack: the stack's properties that make its TLS listener and
 * connections use the node's certificate and our checks of servers, and the protocols and cipher
 * suites it offers (TLS 1.3 and 1.2 with the JDK's default suites, in place of the stack's own
 * list of old RSA and anonymous suites). Clients are not asked for certificates.
 */
public final class TlsStack {
  private static final Logger log = LoggerFactory.getLogger(TlsStack.class);
  /**
   * The setup of each stack by its name: the stack makes its network layer by class name, which
   * finds its setup here.
   */
  private static final java.util.Map<String, Setup> SETUPS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final String PROTOCOLS = "TLSv1.3, TLSv1.2";

  /**
   * What the network layer needs: the context and whether servers' names are checked (and the
   * managers the context was made of, for the stack's own security manager).
   */
  record Setup(SSLContext context, boolean verifyServer, KeyManager[] keys,
      TrustManager[] trust) {}

  private TlsStack() {}

  /**
   * Sets {@code properties} (with the stack's name) up for SIP over TLS as {@code tls} says;
   * {@code refused} runs for each server whose certificate is refused. {@link #forget} when the
   * stack stops.
   */
  public static void configure(Properties properties, SipTls tls, Runnable refused) {
    if (tls.keys() == null) {
      throw new IllegalStateException("SIP over TLS needs the node's certificate (rtc2sip.tls)");
    }
    TrustManager[] trust = tls.verifyServer() ? ServerTrust.of(tls.trust(), refused)
        : ServerTrust.anyServer();
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(tls.keys(), trust, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SIP over TLS cannot be set up: " + e.getMessage(), e);
    }
    SETUPS.put(properties.getProperty("javax.sip.STACK_NAME"),
        new Setup(context, tls.verifyServer(), tls.keys(), trust));
    properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", TlsNetworkLayer.class.getName());
    // the same managers where the stack asks for its own (instead of javax.net.ssl.* files)
    properties.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER",
        TlsSecurityManager.class.getName());
    properties.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY",
        "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", PROTOCOLS);
    // a client that connects and never completes its handshake is dropped after this (ms)
    properties.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "5000");
    properties.setProperty("gov.nist.javax.sip.SSL_RENEGOTIATION_ENABLED", "false");
    if (!tls.verifyServer()) {
      log.warn("SIP over TLS: servers' certificates are NOT verified"
          + " (rtc2sip.sip.tls.verify-server = off): for tests only");
    } else {
      log.info("SIP over TLS: servers' certificates are checked against {} and their host",
          tls.trust().map(p -> "the certificates in " + p).orElse("the JDK's authorities"));
    }
  }

  /** After the stack is made, before its TLS listening point: the suites it offers and takes. */
  public static void secure(SipStack stack) {
    ((SipStackImpl) stack).setEnabledCipherSuites(
        setup(stack.getStackName()).context().getDefaultSSLParameters().getCipherSuites());
  }

  /** The setup of the stack named {@code stackName}. */
  static Setup setup(String stackName) {
    Setup setup = SETUPS.get(stackName);
    if (setup == null) {
      throw new IllegalStateException("SIP over TLS is not set up on stack " + stackName);
    }
    return setup;
  }

  /** The stack named {@code stackName} stopped. */
  public static void forget(String stackName) {
    SETUPS.remove(stackName);
  }
}
