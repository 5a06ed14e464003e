package io.rtc2sip.sip.tls;

import gov.nist.core.net.SecurityManagerProvider;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * The stack's source of TLS keys and trust, made by name by the stack: the node's key and our
 * checks of servers, as set up for the stack's name by {@link TlsStack} (the stack's default
 * reads key and trust stores named in javax.net.ssl.* properties, which we do not use).
 */
public final class TlsSecurityManager implements SecurityManagerProvider {
  private TlsStack.Setup setup;

  /** Created by the stack (gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER). */
  public TlsSecurityManager() {}

  @Override
  public void init(Properties properties) {
    setup = TlsStack.setup(properties.getProperty("javax.sip.STACK_NAME"));
  }

  @Override
  public KeyManager[] getKeyManagers(boolean client) {
    return setup.keys();
  }

  @Override
  public TrustManager[] getTrustManagers(boolean client) {
    return setup.trust();
  }
}
