package io.rtc2sip.actors.call;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.rtc2sip.actors.call.CallEvent.CallEnded;
import io.rtc2sip.metrics.NodeMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The ends of calls carried out on the wire (BYE, media stopped, client told) whose {@link
 * CallEnded} the journal has not yet taken: while the journal database is unavailable a call
 * cannot wait for its write to hang up. Node-local, so that the call, restarted and recovered
 * once the database answers, writes its end instead of resuming the call. Lost with the node:
 * a call recovered elsewhere then ends when its re-INVITE is refused (docs/operations.md).
 */
final class UnwrittenEnds implements Extension {
  private final Map<String, CallEnded> ends = new ConcurrentHashMap<>();

  private UnwrittenEnds(NodeMetrics metrics) {
    GaugeWithCallback.builder().name("rtc2sip_call_ends_unwritten")
        .help("Calls ended on the wire while the journal database was unavailable whose end is"
            + " not yet written (written when the database answers again)")
        .callback(cb -> cb.call(ends.size())).register(metrics.registry());
  }

  static UnwrittenEnds get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE);
  }

  void put(String callId, CallEnded end) {
    ends.putIfAbsent(callId, end);
  }

  /** The end of {@code callId} carried out but not written, or null. */
  CallEnded get(String callId) {
    return ends.get(callId);
  }

  void written(String callId) {
    ends.remove(callId);
  }

  private static final class Id extends ExtensionId<UnwrittenEnds> {
    static final Id INSTANCE = new Id();

    @Override
    public UnwrittenEnds createExtension(ActorSystem<?> system) {
      return new UnwrittenEnds(NodeMetrics.get(system));
    }
  }
}
