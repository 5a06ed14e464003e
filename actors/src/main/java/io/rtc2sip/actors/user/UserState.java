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
  record Offline(boolean sipRegistered, List<String> calls, List<String> parked, Instant since)
      implements UserState {
    public Offline {
      calls = List.copyOf(calls);
      parked = List.copyOf(parked);
    }

    /** Nothing worth keeping in memory: the entity may passivate. */
    public boolean idle() {
      return calls.isEmpty() && parked.isEmpty();
    }
  }

  /** Logged in with one signaling connection. */
  record Online(
      String node, String connectionId, boolean sipRegistered, List<String> calls, Instant since)
      implements UserState {
    public Online {
      calls = List.copyOf(calls);
    }
  }

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
