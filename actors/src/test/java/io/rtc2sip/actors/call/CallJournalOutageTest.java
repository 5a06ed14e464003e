package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.support.TestKits;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call hung up while the journal does not take its end: the end is carried out on the wire at
 * once (BYE, media stopped, client told), the hangup is answered journal-unavailable (the end is
 * not yet written), and the end is written when the call recovers.
 */
class CallJournalOutageTest {
  private static final Duration SOON = Duration.ofSeconds(3);
  private ActorTestKit testKit;

  @BeforeEach
  void start() {
    testKit = ActorTestKit.create(TestKits.eventSourcedConfig());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void whileTheJournalIsKnownUnavailableAHangupEndsTheCallOnTheWireAtOnce() {
    CallFixture f = CallFixture.outbound(testKit);
    f.reach(CallState.Active.class);
    JournalAvailability.get(testKit.system()).journalFailed("test");
    TestProbe<CallReply> reply = testKit.createTestProbe();
    f.kit.runCommand(new CallCommand.Hangup(CallFixture.UID, reply.ref()));
    CallReply.Rejected r = reply.expectMessageClass(CallReply.Rejected.class, SOON);
    assertEquals(JournalAvailability.REFUSAL, r.code());
    f.sip.expectMessageClass(SipLegCommand.Bye.class, SOON);
    f.media.expectMessageClass(MediaCommand.Stop.class, SOON);
    assertEquals(EndCause.LOCAL_HANGUP,
        f.clients.expectMessageClass(ClientNotification.Ended.class, SOON).cause());
    // the in-memory journal took the end after all: it is not carried out twice
    assertInstanceOf(CallState.Ended.class, f.state());
    f.sip.expectNoMessage(Duration.ofMillis(300));
    assertEquals(false, UnwrittenEnds.get(testKit.system()).get(f.callId) != null);
  }

  @Test
  void anEndWhoseWriteFailsIsCarriedOutThenAndWrittenWhenTheCallRecovers() {
    CallFixture f = CallFixture.outbound(testKit);
    f.reach(CallState.Active.class);
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.failNextPersisted();
    TestProbe<CallReply> reply = testKit.createTestProbe();
    f.kit.runCommand(new CallCommand.Hangup(CallFixture.UID, reply.ref()));
    assertEquals(JournalAvailability.REFUSAL,
        reply.expectMessageClass(CallReply.Rejected.class, SOON).code());
    f.sip.expectMessageClass(SipLegCommand.Bye.class, SOON);
    f.media.expectMessageClass(MediaCommand.Stop.class, SOON);
    f.clients.expectMessageClass(ClientNotification.Ended.class, SOON);
    // restarted with backoff, recovered as Active: writes its end instead of re-anchoring
    CallState.Ended ended = assertInstanceOf(CallState.Ended.class, f.state());
    assertEquals(EndCause.LOCAL_HANGUP, ended.cause());
    f.media.expectNoMessage(Duration.ofMillis(300));
    f.sip.expectNoMessage(Duration.ofMillis(100));
    assertEquals(null, UnwrittenEnds.get(testKit.system()).get(f.callId));
  }

  @Test
  void aCallRestartedAfterAFailedWriteKeepsItsMediaAndDialogInsteadOfReanchoring() {
    CallFixture f = CallFixture.outbound(testKit);
    f.reach(CallState.Active.class);
    PersistenceTestKit.create(testKit.system()).failNextPersisted();
    TestProbe<CallReply> reply = testKit.createTestProbe();
    f.kit.runCommand(new CallCommand.Hold(CallFixture.UID, reply.ref()));
    // not acknowledged, nothing done outside; recovered as it was, on the same node
    reply.expectNoMessage(Duration.ofMillis(500));
    assertInstanceOf(CallState.Active.class, f.state());
    f.media.expectNoMessage(Duration.ofMillis(500));
    f.sip.expectNoMessage(Duration.ofMillis(100));
    // and it goes on: the hold works once the journal takes it
    assertInstanceOf(CallReply.Accepted.class,
        f.client(r -> new CallCommand.Hold(CallFixture.UID, r)));
    f.sip.expectMessageClass(SipLegCommand.Reinvite.class, SOON);
  }
}
