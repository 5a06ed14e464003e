package io.rtc2sip.app.tls;

import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's TLS, once per actor system: the certificate loaded (or generated) when a listener
 * has {@code tls = on}, so that HTTPS, WSS and signaling over TLS (and later SIP over TLS)
 * present the same one; nothing is read or generated when no listener uses it.
 */
public final class NodeTls implements Extension {
  private final Optional<NodeCertificate> certificate;

  private NodeTls(Optional<NodeCertificate> certificate) {
    this.certificate = certificate;
  }

  public static NodeTls get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE);
  }

  /** The node's certificate; empty when no listener has {@code tls = on}. */
  public Optional<NodeCertificate> certificate() {
    return certificate;
  }

  /** The TLS context for a listener whose {@code tls} setting is on. */
  public SSLContext context() {
    return certificate.orElseThrow(() -> new IllegalStateException(
        "no listener has tls = on, so the node loaded no certificate")).context();
  }

  private static final class Id extends ExtensionId<NodeTls> {
    static final Id INSTANCE = new Id();

    @Override
    public NodeTls createExtension(ActorSystem<?> system) {
      var config = system.settings().config();
      if (!TlsSettings.anyListener(config)) {
        return new NodeTls(Optional.empty());
      }
      NodeCertificate certificate = NodeCertificate.load(TlsSettings.fromConfig(config));
      certificate.logPresented();
      return new NodeTls(Optional.of(certificate));
    }
  }
}
