package io.rtc2sip.signaling.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtc2sip.actors.call.CallCommand.PushAttemptFinished;
import io.rtc2sip.actors.call.CallCommand.PushOutcome;
import io.rtc2sip.actors.port.PushCommand;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The node's push service: for each {@link PushCommand.Notify} of a parked call, one signed HTTP
 * POST to the push receiver, sent asynchronously (the JDK's HTTP client; no actor thread waits),
 * whose outcome goes back to the call as {@link PushAttemptFinished}: delivered (2xx), retry
 * (5xx, 408, 429, timeout, connection error, with the backoff before the next attempt) or failed
 * (another status, or the last attempt allowed). The call persists it and times the next one.
 * Redirects are not followed; the secret and signatures are never logged.
 */
public final class PushService {

  private static final Logger log = LoggerFactory.getLogger(PushService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PushSettings settings;
  private final HttpClient http;
  private final Clock clock;

  PushService(PushSettings settings, HttpClient http, Clock clock) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("no push URL configured");
    }
    this.settings = settings;
    this.http = http;
    this.clock = clock;
  }

  /** Starts the service of this node. */
  public static ActorRef<PushCommand> start(ActorSystem<?> system, PushSettings settings) {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    log.info("push notifications of parked calls go to {} (timeout {}, {} retries, backoff {})",
        settings.loggableUrl(), settings.timeout(), settings.retries(), settings.backoff());
    return system.systemActorOf(behavior(settings, http, Clock.systemUTC()), "push",
        Props.empty());
  }

  static Behavior<PushCommand> behavior(PushSettings settings, HttpClient http, Clock clock) {
    PushService service = new PushService(settings, http, clock);
    return Behaviors.receiveMessage(notify -> {
      service.attempt((PushCommand.Notify) notify);
      return Behaviors.same();
    });
  }

  /** The JSON body of {@code notify}: callId, caller, callee, deadline (ISO-8601), attempt. */
  static byte[] body(PushCommand.Notify notify) {
    ObjectNode o = JSON.createObjectNode();
    o.put("callId", notify.callId());
    o.put("caller", notify.caller());
    o.put("callee", notify.callee());
    o.put("deadline", notify.deadline().toString());
    o.put("attempt", notify.attempt());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("push body not written", e);
    }
  }

  /** What a receiver's status means: delivered, worth another attempt, or not. */
  static PushOutcome judge(int status) {
    if (status >= 200 && status < 300) {
      return PushOutcome.DELIVERED;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return PushOutcome.RETRY;
    }
    return PushOutcome.FAILED;
  }

  private void attempt(PushCommand.Notify notify) {
    Duration left = Duration.between(clock.instant(), notify.deadline());
    Duration timeout = left.compareTo(settings.timeout()) < 0 ? left : settings.timeout();
    if (timeout.isNegative() || timeout.isZero()) {
      notify.replyTo().tell(new PushAttemptFinished(notify.attempt(), 0,
          "the call's deadline has passed", 0, PushOutcome.FAILED, null));
      return;
    }
    byte[] body = body(notify);
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    HttpRequest request = HttpRequest.newBuilder(settings.url())
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header(PushSignature.TIMESTAMP_HEADER, timestamp)
        .header(PushSignature.HEADER, PushSignature.sign(settings.secret(), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    long started = System.nanoTime();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete((response, failure) -> {
          long millis = (System.nanoTime() - started) / 1_000_000;
          PushAttemptFinished result = failure == null
              ? finished(notify.attempt(), response.statusCode(), null, millis)
              : finished(notify.attempt(), 0, describe(failure, timeout), millis);
          MDC.put("callId", notify.callId());
          log.info("push attempt {}: {} in {} ms ({})", notify.attempt(),
              result.status() > 0 ? "HTTP " + result.status() : result.error(), millis,
              result.outcome());
          MDC.remove("callId");
          notify.replyTo().tell(result);
        });
  }

  private PushAttemptFinished finished(int attempt, int status, String error, long millis) {
    PushOutcome outcome = status > 0 ? judge(status) : PushOutcome.RETRY;
    if (outcome == PushOutcome.RETRY && settings.last(attempt)) {
      outcome = PushOutcome.FAILED;
    }
    Duration retryIn = outcome == PushOutcome.RETRY ? settings.backoffAfter(attempt) : null;
    return new PushAttemptFinished(attempt, status, error, millis, outcome, retryIn);
  }

  private static String describe(Throwable failure, Duration timeout) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof HttpTimeoutException) {
      return "timed out after " + timeout.toMillis() + " ms";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message);
  }

  @Override
  public String toString() {
    return "PushService[" + settings + "]";
  }
}
