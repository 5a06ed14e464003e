package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rtc2sip.testkit.Until;
import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Our users registered at a real Kamailio (digest challenge answered), then called through it
 * by a real SIPp caller: the registrar's INVITE reaches the gateway for the right user.
 */
class SipRegistrationTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aUserRegistersThroughADigestChallengeAndIsCalledThroughTheRegistrar() throws Exception {
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    try (Kamailio kamailio = Kamailio.start()) {
      int port = Sipp.freeUdpPort();
      SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp", "tcp"), "", "",
          "", "rtc2sip-test", "sip:127.0.0.1:" + kamailio.port, 60,
          Map.of("alice", new SipSettings.Account("alice", "alice123"),
              "mallory", new SipSettings.Account("mallory", "wrong-password")), 1800, 0, 5);
      SipAdapter adapter = SipAdapter.start(KIT.system(), settings,
          EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
          CallQuery.ofStates(id -> "Active"));
      try {
        adapter.registrations().tell(new SipRegistrationCommand.Bind("alice"));
        adapter.registrations().tell(new SipRegistrationCommand.Bind("mallory"));
        awaitState(adapter, "alice", "REGISTERED");
        awaitState(adapter, "mallory", "FAILED");

        try (Sipp caller = Sipp.uac("uac_call_pcap", kamailio.port, "alice", 1000)) {
          ShardingEnvelope<CallCommand> e = calls.receiveMessage(Duration.ofSeconds(10));
          CallCommand.SipInviteReceived invite =
              assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
          assertEquals("alice", invite.calleeUid());
          adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
              invite.offer()));
          assertInstanceOf(CallCommand.SipByeReceived.class,
              calls.receiveMessage(Duration.ofSeconds(20)).message());
          assertEquals(0, caller.await(30), caller.where());
        }

        adapter.registrations().tell(new SipRegistrationCommand.Unbind("alice"));
        awaitState(adapter, "alice", "UNREGISTERED");
      } finally {
        adapter.close();
      }
    }
  }

  @Test
  void aChallengedOutboundCallIsAnsweredWithTheTrunkCredentials() throws Exception {
    try (Kamailio proxy = Kamailio.start(true)) {
      for (String password : List.of("bob123", "wrong")) {
        TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
        SipSettings settings = SipSettings.of("127.0.0.1", Sipp.freeUdpPort(),
            "sip:127.0.0.1:" + proxy.port, "bob", password);
        SipAdapter adapter = SipAdapter.start(KIT.system(), settings,
            EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
            CallQuery.ofStates(id -> "Active"));
        try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
          String callId = io.rtc2sip.actors.call.CallIds.newOutbound();
          var dialog = io.rtc2sip.actors.model.SipDialog.outgoing(
              io.rtc2sip.actors.call.CallIds.sipCallIdFor(callId),
              io.rtc2sip.actors.call.CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1",
              "sip:uas@127.0.0.1:" + uas.port);
          adapter.port().tell(new SipLegCommand.Invite(callId, dialog,
              io.rtc2sip.actors.model.Party.rtc("bob"),
              io.rtc2sip.actors.model.Party.sip(dialog.remoteUri())));
          if (password.equals("wrong")) {
            CallCommand.SipFailed failed = assertInstanceOf(CallCommand.SipFailed.class,
                nextNonProvisional(calls));
            assertEquals(407, failed.status());
            continue;
          }
          CallCommand.SipAnswered answered = assertInstanceOf(CallCommand.SipAnswered.class,
              nextNonProvisional(calls));
          assertEquals(2, answered.inviteCseq(), "the INVITE with credentials is CSeq 2");
          // as the call does: the dialog goes on after the answered INVITE's CSeq
          adapter.port().tell(new SipLegCommand.Bye(callId, dialog.established(
              answered.remoteTag(), answered.remoteTarget(), answered.routeSet())
              .withLocalCseqAtLeast(answered.inviteCseq()).nextLocalCseq(),
              io.rtc2sip.actors.model.EndCause.LOCAL_HANGUP));
          // the callee saw the INVITE only because the proxy accepted our credentials; its own
          // verdict on the BYE racing the ACK through the proxy does not matter here
          uas.await(30);
          org.junit.jupiter.api.Assertions.assertTrue(
              uas.messages().contains("INVITE sip:uas@127.0.0.1:" + uas.port), uas.where());
        } finally {
          adapter.close();
        }
      }
    }
  }

  private static CallCommand nextNonProvisional(TestProbe<ShardingEnvelope<CallCommand>> calls) {
    while (true) {
      CallCommand c = calls.receiveMessage(Duration.ofSeconds(10)).message();
      if (!(c instanceof CallCommand.SipProvisional)) {
        return c;
      }
    }
  }

  /** The registrar answers asynchronously: polls the state. */
  private static void awaitState(SipAdapter adapter, String uid, String state) {
    Until.until(Duration.ofSeconds(10), () -> adapter.registrationState(uid).equals(state),
        () -> uid + " in state " + state + ", is " + adapter.registrationState(uid));
  }
}
