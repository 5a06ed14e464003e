package io.rtc2sip.persistence;

import io.rtc2sip.actors.journal.JournalAvailability;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Dispatchers;

/**
 * Readiness check of Pekko Management: the node is ready only while the journal database answers.
 * Registered under {@code pekko.management.health-checks.readiness-checks}. Its answer also
 * tells the node's {@link JournalAvailability}.
 */
public final class JournalHealthCheck implements Supplier<CompletionStage<Boolean>> {
  private final JournalPing ping;
  private final JournalAvailability availability;
  private final Executor blocking;

  public JournalHealthCheck(ActorSystem system) {
    this.ping = new JournalPing(system.settings().config(), Duration.ofSeconds(2));
    this.availability = JournalAvailability.get(Adapter.toTyped(system));
    this.blocking = system.dispatchers().lookup(Dispatchers.DefaultBlockingDispatcherId());
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(
        () -> {
          long token = availability.probing();
          String failure = ping.failure();
          availability.probed(token, failure == null, failure);
          return failure == null;
        },
        blocking);
  }
}
