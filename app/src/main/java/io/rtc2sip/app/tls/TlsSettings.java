package io.rtc2sip.app.tls;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the node's certificate and key come from ({@code rtc2sip.tls}): PEM files, a PKCS#12
 * file, or (none named) a self-signed pair kept under {@code dataDir/tls}.
 *
 * @param password of the PKCS#12 file, or of an encrypted PEM key; empty for none
 * @param names host names and addresses a generated certificate is made out to
 */
public record TlsSettings(
    Optional<Path> certificate,
    Optional<Path> key,
    Optional<Path> pkcs12,
    char[] password,
    Path dataDir,
    java.util.List<String> names) {

  public TlsSettings {
    names = java.util.List.copyOf(names);
    if (pkcs12.isPresent() && (certificate.isPresent() || key.isPresent())) {
      throw new IllegalArgumentException("rtc2sip.tls: name either pkcs12 or certificate and"
          + " key, not both");
    }
    if (certificate.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("rtc2sip.tls: certificate and key go together (PEM);"
          + " one of them is not set");
    }
  }

  /** No file named: the node generates its own self-signed pair. */
  public boolean selfSigned() {
    return certificate.isEmpty() && pkcs12.isEmpty();
  }

  /** Whether any of the node's listeners is configured with TLS on (SIP over TLS among them). */
  public static boolean anyListener(Config config) {
    return config.getBoolean("rtc2sip.http.tls") || config.getBoolean("rtc2sip.signaling.tls")
        || config.getBoolean("rtc2sip.sip.tls.enabled")
        || config.getInt("rtc2sip.http.operator.port") >= 0
            && config.getBoolean("rtc2sip.http.operator.tls");
  }

  public static TlsSettings fromConfig(Config config) {
    Config c = config.getConfig("rtc2sip.tls");
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(
        java.util.List.of("localhost", "127.0.0.1", "::1"));
    for (String key : java.util.List.of("rtc2sip.node.host", "rtc2sip.http.host",
        "rtc2sip.signaling.host")) {
      String host = config.getString(key).strip();
      if (!host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::")) {
        names.add(host);
      }
    }
    return new TlsSettings(path(c, "certificate"), path(c, "key"), path(c, "pkcs12"),
        c.getString("password").toCharArray(), Path.of(config.getString("rtc2sip.data-dir")),
        java.util.List.copyOf(names));
  }

  private static Optional<Path> path(Config c, String key) {
    String value = c.getString(key).strip();
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "TlsSettings[certificate=" + certificate + ", key=" + key + ", pkcs12=" + pkcs12
        + ", password=" + (password.length == 0 ? "none" : "(set)") + ", dataDir=" + dataDir
        + "]";
  }
}
