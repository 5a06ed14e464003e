package io.rtc2sip.tests.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every overlay under k8s/overlays as {@code kubectl kustomize} renders it: the secrets come
 * from Secrets that must exist (no optional references, no Secret with values in the
 * repository), probes on /ready and /alive, a rolling update that never lowers capacity, a grace
 * period for the SIGTERM hand-over, the media port ranges set, plain listeners declared intended
 * (TLS at the ingress), and every Service port naming a container port. Skipped, saying so, where kubectl is not installed.
 */
class K8sManifestsTest {
  private static final Path K8S = Path.of("..", "k8s");
  /** Settings that must come from a Secret, with the Secret and key. */
  private static final Map<String, String> FROM_SECRETS = Map.of(
      "RTC2SIP_DB_URL", "rtc2sip-db/url",
      "RTC2SIP_DB_USER", "rtc2sip-db/user",
      "RTC2SIP_DB_PASSWORD", "rtc2sip-db/password",
      "RTC2SIP_SIGNALING_TOKEN_SECRET", "rtc2sip-secrets/token-secret",
      "RTC2SIP_OPERATOR_USER", "rtc2sip-secrets/operator-user",
      "RTC2SIP_OPERATOR_PASSWORD", "rtc2sip-secrets/operator-password",
      "RTC2SIP_OPERATOR_TOKEN", "rtc2sip-secrets/operator-token",
      "RTC2SIP_SIP_NONCE_SECRET", "rtc2sip-secrets/sip-nonce-secret");

  @TestFactory
  Stream<DynamicTest> everyOverlayRendersAsRequired() throws IOException {
    Assumptions.assumeTrue(kubectl().isPresent(),
        "kubectl is not installed: the rendered Kubernetes manifests are not checked");
    List<Path> overlays;
    try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
      overlays = dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().toList();
    }
    assertTrue(overlays.size() >= 2, "overlays: " + overlays);
    return overlays.stream().map(o -> DynamicTest.dynamicTest(o.getFileName().toString(),
        () -> check(o, render(o))));
  }

  private static void check(Path overlay, List<Map<String, Object>> objects) {
    String name = overlay.getFileName().toString();
    assertTrue(objects.stream().noneMatch(o -> "Secret".equals(o.get("kind"))),
        name + ": no Secret is rendered (secrets are created by hand, never committed)");
    Map<String, Object> deployment = one(objects, "Deployment", "rtc2sip");
    Map<String, Object> spec = map(deployment, "spec");
    Map<String, Object> rolling = map(map(spec, "strategy"), "rollingUpdate");
    assertEquals(0, rolling.get("maxUnavailable"), name + ": a rolling update never lowers capacity");
    assertEquals(1, rolling.get("maxSurge"), name);
    Map<String, Object> pod = map(map(spec, "template"), "spec");
    assertTrue(((Number) pod.get("terminationGracePeriodSeconds")).intValue() >= 60,
        name + ": grace period for the SIGTERM hand-over");
    Map<String, Object> container = list(pod, "containers").get(0);
    assertNotNull(map(map(container, "lifecycle"), "preStop"), name + ": preStop pause");

    Map<String, Map<String, Object>> env = new HashMap<>();
    for (Map<String, Object> e : list(container, "env")) {
      env.put((String) e.get("name"), e);
    }
    FROM_SECRETS.forEach((variable, secretKey) -> {
      Map<String, Object> e = env.get(variable);
      assertNotNull(e, name + ": " + variable + " is set");
      Map<String, Object> ref = map(map(e, "valueFrom"), "secretKeyRef");
      assertEquals(secretKey, ref.get("name") + "/" + ref.get("key"), name + ": " + variable);
      assertFalse(ref.containsKey("optional"), name + ": " + variable + " has no optional fallback");
    });
    for (Map<String, Object> e : env.values()) {
      String variable = (String) e.get("name");
      if (variable.matches(".*(PASSWORD|SECRET|TOKEN).*")) {
        assertFalse(e.containsKey("value"), name + ": " + variable + " is not written in the manifest");
      }
    }

    Map<String, Integer> ports = new HashMap<>();
    for (Map<String, Object> p : list(container, "ports")) {
      ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
    }
    assertEquals("/ready", map(map(container, "readinessProbe"), "httpGet").get("path"), name);
    assertEquals("management", map(map(container, "readinessProbe"), "httpGet").get("port"), name);
    assertEquals("/alive", map(map(container, "livenessProbe"), "httpGet").get("path"), name);

    Map<String, Object> config = map(one(objects, "ConfigMap", null), "data");
    for (String range : List.of("RTC2SIP_RTP_PORT", "RTC2SIP_WEBRTC_PORT")) {
      int min = Integer.parseInt((String) config.get(range + "_MIN"));
      int max = Integer.parseInt((String) config.get(range + "_MAX"));
      assertTrue(1024 <= min && min < max && max <= 65535, name + ": " + range + " range " + min + "-" + max);
    }
    // listeners on 0.0.0.0: the node refuses to start in clear unless told TLS ends in front
    assertEquals("on", config.get("RTC2SIP_TLS_ALLOW_PLAIN"),
        name + ": plain HTTP and signaling in the pod are said to be intended");
    assertEquals(String.valueOf(ports.get("operator")),
        ((Map<?, ?>) env.get("RTC2SIP_OPERATOR_HTTP_PORT")).get("value"), name + ": operator port");
    assertEquals(Set.of(8558, 25520, 25521, 8080, 8081, 7070, 5062), Set.copyOf(ports.values()),
        name);

    for (Map<String, Object> service : all(objects, "Service")) {
      for (Map<String, Object> p : list(map(service, "spec"), "ports")) {
        Object target = p.get("targetPort");
        assertTrue(ports.containsKey(String.valueOf(target)),
            name + ": Service " + map(service, "metadata").get("name") + " targets " + target);
      }
    }
    if (name.equals("host-network")) {
      assertEquals(Boolean.TRUE, pod.get("hostNetwork"), name);
      assertNotNull(map(pod, "affinity").get("podAntiAffinity"), name + ": one pod per host");
    }
  }

  private static List<Map<String, Object>> render(Path overlay) throws Exception {
    Process p = new ProcessBuilder(kubectl().get(), "kustomize", overlay.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + overlay);
    assertEquals(0, p.exitValue(), "kubectl kustomize " + overlay + ":\n" + out);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(out)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) doc;
      objects.add(object);
    }
    return objects;
  }

  private static java.util.Optional<String> kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) {
        return java.util.Optional.of(k.toString());
      }
    }
    return java.util.Optional.empty();
  }

  private static List<Map<String, Object>> all(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  private static Map<String, Object> one(List<Map<String, Object>> objects, String kind, String name) {
    List<Map<String, Object>> found = all(objects, kind).stream()
        .filter(o -> name == null || String.valueOf(map(o, "metadata").get("name")).equals(name))
        .toList();
    assertEquals(1, found.size(), kind + " " + name);
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    assertTrue(v instanceof Map, key + " in " + parent.keySet());
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    assertTrue(v instanceof List, key + " in " + parent.keySet());
    return (List<Map<String, Object>>) v;
  }
}
