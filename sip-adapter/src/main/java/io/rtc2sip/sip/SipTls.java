package io.rtc2sip.sip;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.KeyManager;

/**
 * SIP over TLS on the node ({@code rtc2sip.sip.tls}): whether the stack listens for it and on
 * which port, the node's key (the certificate every TLS listener of the node presents, set by the
 * node once loaded) and how the servers we connect to are checked.
 *
 * @param enabled whether the node listens for and places SIP over TLS
 * @param port the TLS listening port (5061 by default)
 * @param trust a PEM file of the certificates (authorities, or servers' own) trusted for outbound
 *     connections; empty: the JDK's certificate authorities
 * @param verifyServer whether a server's certificate must chain to {@code trust} and be made out
 *     to the host we connect to; off only for tests against self-signed peers
 * @param keys the node's key and certificate chain; null until the node sets them
 */
public record SipTls(boolean enabled, int port, Optional<Path> trust, boolean verifyServer,
    KeyManager[] keys) {

  /** No SIP over TLS. */
  public static final SipTls OFF = new SipTls(false, 5061, Optional.empty(), true, null);

  public SipTls {
    if (enabled && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("rtc2sip.sip.tls.port must be one of 1-65535, not "
          + port);
    }
  }

  /** The settings under {@code rtc2sip.sip.tls}, without keys. */
  public static SipTls fromConfig(Config sip) {
    Config c = sip.getConfig("tls");
    String trust = c.getString("trust").strip();
    return new SipTls(c.getBoolean("enabled"), c.getInt("port"),
        trust.isEmpty() ? Optional.empty() : Optional.of(Path.of(trust)),
        c.getBoolean("verify-server"), null);
  }

  /** These settings with the node's key and certificate. */
  public SipTls withKeys(KeyManager[] keys) {
    return new SipTls(enabled, port, trust, verifyServer, keys);
  }

  @Override
  public String toString() {
    return "SipTls[enabled=" + enabled + ", port=" + port + ", trust=" + trust
        + ", verifyServer=" + verifyServer + ", keys=" + (keys == null ? "none" : "set") + "]";
  }
}
