package io.rtc2sip.actors.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
}
