package io.rtc2sip.actors.user;

import io.rtc2sip.actors.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A user's presence as the entity keeps it. */
public sealed interface UserState extends CborSerializable {

  /** Never seen. */
  enum Unknown implements UserState {
    INSTANCE
  }

  /** Logged out; inbound calls are parked here until the user logs in. */
  record Offline(boolean sipRegistered, List<String> calls, List<String> parked, Instant since,
      PlacedCalls placed)
      implements UserState {
    public Offline {
      calls = List.copyOf(calls);
      parked = List.copyOf(parked);
      placed = placed == null ? PlacedCalls.NONE : placed;
    }

    public Offline(boolean sipRegistered, List<String> calls, List<String> parked,
        Instant since) {
      this(sipRegistered, calls, parked, since, PlacedCalls.NONE);
    }

    /** Nothing worth keeping in memory: the entity may passivate. */
    public boolean idle() {
      return calls.isEmpty() && parked.isEmpty();
    }
  }

  /** Logged in with one signaling connection. */
  record Online(
      String node, String connectionId, boolean sipRegistered, List<String> calls, Instant since,
      PlacedCalls placed)
      implements UserState {
    public Online {
      calls = List.copyOf(calls);
      placed = placed == null ? PlacedCalls.NONE : placed;
    }

    public Online(String node, String connectionId, boolean sipRegistered, List<String> calls,
        Instant since) {
      this(node, connectionId, sipRegistered, calls, since, PlacedCalls.NONE);
    }
  }

  /** The calls the user placed that still count against its dial plan's limits. */
  default PlacedCalls placedCalls() {
    if (this instanceof Online on) {
      return on.placed();
    }
    return this instanceof Offline off ? off.placed() : PlacedCalls.NONE;
  }

  /**
   * The calls a user placed, for its dial plan's limits: those admitted and not known to have
   * ended ({@code live}, with when each was admitted), and when calls were admitted in the last
   * {@link #WINDOW} ({@code recent}, kept only that long after the latest admission).
   */
  record PlacedCalls(List<Placed> live, List<Instant> recent) implements CborSerializable {
    /** The window of the per-minute limit. */
    public static final java.time.Duration WINDOW = java.time.Duration.ofMinutes(1);
    public static final PlacedCalls NONE = new PlacedCalls(List.of(), List.of());

    public PlacedCalls {
      live = live == null ? List.of() : List.copyOf(live);
      recent = recent == null ? List.of() : List.copyOf(recent);
    }

    public boolean counts(String callId) {
      return live.stream().anyMatch(p -> p.callId().equals(callId));
    }

    /** Calls admitted in the window before {@code now}. */
    public int startedInWindowBefore(Instant now) {
      Instant from = now.minus(WINDOW);
      return (int) recent.stream().filter(t -> t.isAfter(from)).count();
    }

    PlacedCalls admitted(String callId, Instant at) {
      List<Placed> l = new ArrayList<>(live);
      l.add(new Placed(callId, at));
      return new PlacedCalls(l, started(at).recent());
    }

    /** Something started at {@code at} that counts in the window only (a conference party). */
    PlacedCalls started(Instant at) {
      Instant from = at.minus(WINDOW);
      List<Instant> r = new ArrayList<>(recent.stream().filter(t -> t.isAfter(from)).toList());
      r.add(at);
      return new PlacedCalls(live, r);
    }

    PlacedCalls left(String callId) {
      if (!counts(callId)) {
        return this;
      }
      return new PlacedCalls(
          live.stream().filter(p -> !p.callId().equals(callId)).toList(), recent);
    }
  }

  /** A placed call, admitted {@code at}. */
  record Placed(String callId, Instant at) implements CborSerializable {}

  static List<String> plus(List<String> list, String id) {
    if (list.contains(id)) {
      return list;
    }
    List<String> copy = new ArrayList<>(list);
    copy.add(id);
    return copy;
  }

  static List<String> minus(List<String> list, String id) {
    List<String> copy = new ArrayList<>(list);
    copy.remove(id);
    return copy;
  }

  static List<String> union(List<String> a, List<String> b) {
    List<String> copy = new ArrayList<>(a);
    b.stream().filter(id -> !copy.contains(id)).forEach(copy::add);
    return copy;
  }
}
