package io.rtc2sip.agora;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Creates {@link FakeConnection}s; can refuse a number of creations first. */
final class FakeConnectionFactory implements AgoraConnectionFactory {
  final List<FakeConnection> created = new CopyOnWriteArrayList<>();
  volatile int refusals;
  volatile Consumer<FakeConnection> setup = c -> { };
  volatile boolean closed;

  @Override
  public AgoraConnection create(String callId, AgoraEvents events) {
    if (refusals > 0) {
      refusals--;
      throw new IllegalStateException("agoraRtcConnCreate returned null");
    }
    FakeConnection c = new FakeConnection(events);
    setup.accept(c);
    created.add(c);
    return c;
  }

  FakeConnection last() {
    return created.get(created.size() - 1);
  }

  @Override
  public void close() {
    closed = true;
  }
}
