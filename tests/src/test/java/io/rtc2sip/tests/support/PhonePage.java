package io.rtc2sip.tests.support;

import io.rtc2sip.webrtc.testing.Chromium;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The gateway's phone page (/phone) in headless Chromium, driven as a person would: typing,
 * clicking, reading what the page shows, and its {@code window.phone} state for the figures a
 * person reads off the meters (what frequency it hears).
 */
public final class PhonePage {
  public static final Duration WAIT = Duration.ofSeconds(20);
  private final Chromium browser;
  private final String url;

  public PhonePage(Chromium browser, int httpPort) {
    this(browser, "http://127.0.0.1:" + httpPort);
  }

  /** The page of the node at {@code base} ({@code https://127.0.0.1:8443}). */
  public PhonePage(Chromium browser, String base) {
    this.browser = browser;
    this.url = base + "/phone?raw=1";
  }

  public Chromium browser() {
    return browser;
  }

  /** Opens the page and logs in as {@code uid} with a development token from the node. */
  public PhonePage login(String uid) {
    browser.open(url);
    type("uid", uid);
    click("dev-token");
    browser.await("a development token for " + uid, WAIT,
        () -> !element("token").getAttribute("value").isEmpty());
    click("login");
    browser.await(uid + " logged in", WAIT, () -> Boolean.TRUE.equals(phone().get("loggedIn")));
    return this;
  }

  public void call(String number) {
    type("number", number);
    click("call");
  }

  /** Presses dial-pad keys, one click each. */
  public void press(String keys) {
    for (char k : keys.toCharArray()) {
      browser.driver().findElement(By.cssSelector("#keypad [data-key='" + k + "']")).click();
    }
  }

  public void type(String id, String text) {
    WebElement e = element(id);
    e.clear();
    e.sendKeys(text);
  }

  public void click(String id) {
    element(id).click();
  }

  public WebElement element(String id) {
    return browser.driver().findElement(By.id(id));
  }

  public String text(String id) {
    return element(id).getText();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> phone() {
    return (Map<String, Object>) browser.js("const p = window.phone || {}; return {"
        + "loggedIn: p.loggedIn, state: p.state, callId: p.callId, held: p.held, heldBy: p.heldBy,"
        + " endCause: p.endCause, sipStatus: p.sipStatus, pcState: p.pcState, heardHz: p.heardHz,"
        + " micLevel: p.micLevel, speakerLevel: p.speakerLevel, lastError: p.lastError,"
        + " dtmfReceived: p.dtmfReceived,"
        + " log: (p.log || []).slice(-30).join('\\n')};");
  }

  public Object get(String field) {
    return phone().get(field);
  }

  /** Waits until {@code window.phone.state} is {@code state}. */
  public void awaitState(String state) {
    browser.await("phone state " + state, WAIT, () -> {
      Map<String, Object> p = phone();
      return state.equals(p.get("state")) ? p : null;
    });
  }

  /** Waits until the page hears {@code hz} (its loudest frequency, within 5 %). */
  public double awaitHearing(double hz) {
    return browser.await("the page hearing " + hz + " Hz", WAIT, () -> {
      Object heard = get("heardHz");
      double h = heard instanceof Number n ? n.doubleValue() : 0;
      return Math.abs(h - hz) < hz * 0.05 ? h : null;
    });
  }

  /** What the page shows and holds, for a failure message. */
  public String describe() {
    return Objects.toString(phone());
  }
}
