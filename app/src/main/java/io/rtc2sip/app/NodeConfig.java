package io.rtc2sip.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.Map;

/**
 * Loads the node's configuration: system properties over an operator's file (RTC2SIP_CONFIG)
 * over the profile (RTC2SIP_PROFILE: local, k8s) over application.conf and the libraries'
 * reference.conf. RTC2SIP_* environment variables are resolved inside the files themselves.
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load() {
    return load(System.getenv(), ConfigFactory.empty());
  }

  /**
   * @param env the environment, for RTC2SIP_PROFILE and RTC2SIP_CONFIG
   * @param overrides values that win over everything (tests, command-line tools)
   */
  public static Config load(Map<String, String> env, Config overrides) {
    String profile = System.getProperty("rtc2sip.profile", env.getOrDefault("RTC2SIP_PROFILE", "local"));
    Config profileConfig =
        switch (profile) {
          case "local" -> ConfigFactory.empty();
          case "k8s" -> ConfigFactory.parseResourcesAnySyntax("rtc2sip-k8s.conf");
          default -> throw new IllegalArgumentException(
              "unknown profile '" + profile + "' (RTC2SIP_PROFILE): expected local or k8s");
        };
    String file = env.get("RTC2SIP_CONFIG");
    Config operator = file == null || file.isBlank() ? ConfigFactory.empty() : parseFile(file);
    return overrides
        .withFallback(ConfigFactory.systemProperties())
        .withFallback(operator)
        .withFallback(profileConfig)
        .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static Config parseFile(String path) {
    File f = new File(path);
    if (!f.isFile()) {
      throw new IllegalArgumentException("RTC2SIP_CONFIG names " + path + ", which is not a readable file");
    }
    return ConfigFactory.parseFile(f);
  }
}
