package io.rtc2sip.tests.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEntity;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.app.GatewayNode;
import io.rtc2sip.app.NodeConfig;
import io.rtc2sip.app.NodeServices;
import io.rtc2sip.persistence.EmbeddedDatabase;
import io.rtc2sip.testkit.Until;
import io.rtc2sip.tests.support.CallStates;
import io.rtc2sip.tests.support.FreePorts;
import io.rtc2sip.tests.support.RecordingPorts;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The supervision dashboard in a real headless Chromium, served by a node on PostgreSQL: it
 * shows the cluster, a live call appearing with the node that runs it, a journal failure of that
 * call (the database stopped under it) with the entity's restarts, the call ending after the
 * database came back, and the call's timeline in the drill-down. /metrics, read by the
 * Prometheus client's own text-format parser, moves with the call. The operator logs in (HTTP
 * Basic); without credentials the dashboard, its events, the API and /metrics answer 401.
 * Screenshots are saved under target/dashboard/.
 */
class DashboardBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final Path SHOTS = Path.of("target", "dashboard");
  private static final String OPERATOR = "operator";
  private static final String PASSWORD = "a-test-password-for-the-dashboard";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static EmbeddedDatabase database;
  private static int databasePort;

  @BeforeAll
  static void startDatabase() throws Exception {
    database = EmbeddedDatabase.start(dir.resolve("db"), 0);
    databasePort = database.port();
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stopDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void anOperatorSeesTheClusterALiveCallAndWhatRestarted() throws Exception {
    int httpPort = FreePorts.next();
    String callId = CallIds.newOutbound();
    try (GatewayNode node = GatewayNode.start(config(httpPort),
            system -> NodeServices.start(system, RecordingPorts.into(line -> { })));
        Browser browser = Browser.start()) {
      String self = node.system().address().toString();
      String base = "http://127.0.0.1:" + httpPort;
      // operator HTTP needs the operator's credentials, even from this machine once configured
      for (String path : List.of("/dashboard", "/dashboard/events", "/metrics",
          "/api/calls?uid=alice", "/api/calls/" + callId + "/live")) {
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), path);
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("")
            .startsWith("Basic "), path);
      }
      browser.logIn(OPERATOR, PASSWORD);
      browser.driver.get(base + "/dashboard");
      browser.await("the cluster member is up", () -> text("members").contains(self)
          && text("members").contains("Up") && text("members").contains("(this node)"));
      browser.screenshot("1-cluster.png");

      ClusterSharding sharding = ClusterSharding.get(node.system());
      var call = sharding.entityRefFor(CallEntity.TYPE_KEY, callId);
      assertInstanceOf(CallReply.Accepted.class, call.<CallReply>ask(r ->
          new CallCommand.PlaceCall("alice", "room-a", "sip:+4930123@pbx.example", r),
          Duration.ofSeconds(15)).toCompletableFuture().join());
      call.tell(new CallCommand.SipAnswered("tag-a", "sip:callee@10.0.0.2", List.of(),
          NegotiatedMedia.pcmu()));
      browser.await("the call is listed as active on this node", () -> {
        List<WebElement> rows = browser.driver.findElements(
            By.cssSelector("#active-calls tr[data-call-id='" + callId + "']"));
        return !rows.isEmpty() && rows.get(0).getText().contains(self)
            && rows.get(0).getText().contains("sip:+4930123@pbx.example");
      });
      browser.await("shards show the entities", () -> text("shards").contains("call"));
      browser.screenshot("2-live-call.png");

      // the journal goes away under the call: its hold cannot be persisted
      database.close();
      call.tell(new CallCommand.Hold("alice", node.system().ignoreRef()));
      browser.await("the journal failure and the restart are shown", () ->
          rowsOf("supervision").stream().anyMatch(r -> r.contains("persistence-failure")
              && r.contains(callId) && r.contains(self)));
      browser.screenshot("3-persistence-failure.png");
      database = EmbeddedDatabase.start(dir.resolve("db"), databasePort);
      CallStates.await(id -> sharding.entityRefFor(CallEntity.TYPE_KEY, id)
              .<CallView>ask(CallCommand.GetCall::new, Duration.ofSeconds(5))
              .toCompletableFuture().join(),
          callId, "Active", WAIT);
      call.tell(new CallCommand.SipByeReceived(CallIds.sipCallIdFor(callId), 2, "bye"));
      browser.await("the call ended and left the active list", () ->
          browser.driver.findElements(By.cssSelector("#active-calls tr[data-call-id='"
              + callId + "']")).isEmpty()
          && rowsOf("recent-calls").stream().anyMatch(r -> r.contains(callId)
              && r.contains("REMOTE_HANGUP")));
      browser.screenshot("4-call-ended.png");

      browser.driver.findElement(By.cssSelector("#recent-calls tr[data-call-id='" + callId
          + "'] a.call")).click();
      browser.await("the drill-down shows the call's timeline", () ->
          text("timeline").contains("CallDialed") && text("timeline").contains("CallEnded")
              && text("timeline").contains(self));
      browser.screenshot("5-drilldown.png");

      Map<String, Double> metrics = Prometheus.parse(HTTP.send(
          HttpRequest.newBuilder(URI.create(base + "/metrics"))
              .header("Authorization", basic(OPERATOR, PASSWORD)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(5.0, metrics.get("rtc2sip_http_refused_total{reason=unauthorized}"));
      assertEquals(1.0, metrics.get("rtc2sip_call_setups_total{direction=outbound}"), metrics
          .toString());
      assertEquals(1.0, metrics.get("rtc2sip_calls_answered_total{direction=outbound}"));
      assertEquals(1.0, metrics.get(
          "rtc2sip_calls_ended_total{cause=remote_hangup,direction=outbound}"));
      assertTrue(metrics.get("rtc2sip_entity_restarts_total{entity=call}") >= 1.0,
          metrics.toString());
      assertTrue(metrics.get(
          "rtc2sip_supervision_events_total{kind=persistence-failure}") >= 1.0);
      assertTrue(metrics.get("rtc2sip_journal_write_seconds_count") >= 3.0);
      assertEquals(0.0, metrics.get("rtc2sip_calls_active{direction=outbound}"));
    }
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String text(String tableId) {
    return Browser.current.driver.findElement(By.id(tableId)).getText();
  }

  private static List<String> rowsOf(String tableId) {
    return Browser.current.driver.findElements(By.cssSelector("#" + tableId + " tbody tr"))
        .stream().map(WebElement::getText).toList();
  }

  private static Config config(int httpPort) {
    Map<String, Object> settings = Map.of(
        "rtc2sip.db.url", database.jdbcUrl(),
        "rtc2sip.data-dir", dir.resolve("node").toString(),
        "rtc2sip.node.port", FreePorts.next(),
        "pekko.management.http.port", FreePorts.next(),
        "rtc2sip.http.port", httpPort,
        "rtc2sip.http.operator.user", OPERATOR,
        "rtc2sip.http.operator.password", PASSWORD,
        "pekko.coordinated-shutdown.exit-jvm", "off");
    return NodeConfig.load(Map.of(), ConfigFactory.parseMap(settings));
  }

  /** Headless Chromium from the Debian packages, driven by chromedriver. */
  private static final class Browser implements AutoCloseable {
    static Browser current;
    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
      this.driver = driver;
    }

    static Browser start() {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(new File("/usr/bin/chromium"));
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--window-size=1400,1800");
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File("/usr/bin/chromedriver"))
          .usingAnyFreePort()
          .build();
      current = new Browser(new ChromeDriver(service, options));
      return current;
    }

    /**
     * Logs in as the operator: every request of the browser carries the HTTP Basic credentials
     * a person types into the browser's login prompt (headless Chromium shows no prompt).
     */
    void logIn(String user, String password) {
      driver.executeCdpCommand("Network.enable", Map.of());
      driver.executeCdpCommand("Network.setExtraHTTPHeaders",
          Map.of("headers", Map.of("Authorization", basic(user, password))));
    }

    void await(String what, java.util.function.BooleanSupplier condition) {
      RuntimeException[] last = {null};
      boolean seen = Until.holds(WAIT, () -> {
        try {
          return condition.getAsBoolean();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
          last[0] = e; // the page re-rendered while we read it
          return false;
        }
      });
      if (!seen) {
        screenshot("failed-" + what.replace(' ', '-') + ".png");
        throw new AssertionError("dashboard: " + what + " not seen within " + WAIT, last[0]);
      }
    }

    void screenshot(String name) {
      try {
        Files.write(SHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("screenshot " + name + " not saved", e);
      }
    }

    @Override
    public void close() {
      driver.quit();
    }
  }
}
