package io.rtc2sip.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rtc2sip.persistence.history.CallHistory;
import io.rtc2sip.persistence.history.ReplayRenderer;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * {@code rtc2sip replay <call-id> [--at <ISO time>] [--json]}: a call's timeline from the journal,
 * each event with its time, the node that wrote it and the state before and after, replayed by
 * the entity's own event handler. Exit status 3 for an unknown call id.
 */
public final class Replay {
  private Replay() {}

  public static int run(String[] args, Config config) throws Exception {
    String callId = null;
    boolean json = false;
    Instant at = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--json" -> json = true;
        case "--at" -> at = Instant.parse(args[++i]);
        default -> callId = args[i];
      }
    }
    if (callId == null) {
      System.err.println("usage: rtc2sip replay <call-id> [--at 2026-11-24T10:00:00Z] [--json]");
      return 2;
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "rtc2sip-replay",
        // only what deserializing events needs: no cluster, and no JVM exit when it stops
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                + "pekko.coordinated-shutdown.exit-jvm = off")
            .withFallback(ConfigFactory.parseResources("rtc2sip-serialization.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
    try (Connection c = ToolDatabase.connect(config)) {
      List<CallHistory.Step> steps =
          new CallHistory(SerializationExtension.get(system.classicSystem())).timeline(c, callId);
      if (steps.isEmpty()) {
        System.err.println("no call " + callId + " in the journal at "
            + ToolDatabase.displayUrl(config));
        return 3;
      }
      if (at != null) {
        System.out.println(ReplayRenderer.describe(CallHistory.stateAt(steps, at)));
      } else {
        System.out.print(json ? ReplayRenderer.json(callId, steps) + "\n"
            : ReplayRenderer.text(callId, steps));
      }
      return 0;
    } finally {
      system.terminate();
    }
  }
}
