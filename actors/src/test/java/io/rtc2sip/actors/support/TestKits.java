package io.rtc2sip.actors.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** Configuration of the test kits: in-memory journal, our serialization bindings, our defaults. */
public final class TestKits {

  private TestKits() {}

  public static Config eventSourcedConfig() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("rtc2sip-serialization.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /**
   * As {@link #eventSourcedConfig()}, with the scheduler under {@link ManualTime}: timers fire
   * when a test lets time pass ({@code ManualTime.get(system).timePasses(...)}), never by
   * themselves.
   */
  public static Config manualTimeConfig() {
    return ManualTime.config().withFallback(eventSourcedConfig());
  }
}
