package io.rtc2sip.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallEvent;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.model.SdpDirection;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.model.CallDirection;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.PushCommand;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.actors.support.TestKits;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserEvent;
import io.rtc2sip.actors.user.UserReply;
import io.rtc2sip.actors.user.UserState;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses nodes or goes to the journal is bound to Jackson CBOR and comes
 * back equal. Port and user messages are covered here; call commands, events and states are also
 * checked by the EventSourcedBehaviorTestKit in every call test.
 */
class SerializationTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  /** A message carrying a notification as a field, as signaling routers forward them. */
  record Wrapped(ClientNotification notification) implements CborSerializable {}

  private static List<Object> samples() {
    ActorRef<Object> ref = TEST_KIT.createTestProbe().ref();
    Instant at = Instant.parse("2026-11-24T10:00:00Z");
    SipDialog d = new SipDialog("c@h", "lt", "rt", "sip:a@gw", "sip:b@pbx", "sip:b@1.2.3.4",
        List.of("<sip:p;lr>"), 3, 4);
    NegotiatedMedia m = NegotiatedMedia.pcma();
    Party p = Party.sip("sip:b@pbx");
    RtcLeg rtc = new RtcLeg("room", "alice");
    List<Object> s = new ArrayList<>();
    s.add(new MediaCommand.Reanchor("o-1", new RtcLeg("room", "alice", true), m,
        SdpDirection.SENDRECV));
    s.add(new SipLegCommand.Invite("o-1", d, Party.rtc("alice"), p));
    s.add(new SipLegCommand.Invite("o-1", d, Party.rtc("alice"), p,
        new Replaces("c@h", "tt", "ft", true)));
    s.add(new CallEvent.CallTransferRequested("sip:b@pbx", d, at,
        new Replaces("c@h", "tt", "ft", false)));
    s.add(new CallEvent.CallReferred("sip:b@pbx", "sip:x@pbx", d, d, at,
        new Replaces("c@h", "tt", "ft", false)));
    s.add(new CallEvent.CallDialogReplaced(p, d, m, at));
    s.add(new SipLegCommand.Ring("i-1", d, true));
    s.add(new SipLegCommand.Accept("i-1", d, m));
    s.add(new SipLegCommand.Reject("i-1", d, 486, EndCause.BUSY));
    s.add(new SipLegCommand.Cancel("o-1", d, EndCause.CANCELLED));
    s.add(new SipLegCommand.Bye("o-1", d, EndCause.LOCAL_HANGUP));
    s.add(new SipLegCommand.Reinvite("o-1", d, SdpDirection.SENDONLY, m));
    s.add(new SipLegCommand.Refer("o-1", d, "sip:bob@pbx"));
    s.add(new SipLegCommand.Info("o-1", d, "12#", 100));
    s.add(new SipLegCommand.NotifyTransferProgress("o-1", d, 200));
    s.add(new MediaCommand.Prepare("o-1", rtc, CallDirection.OUTBOUND));
    s.add(new MediaCommand.Start("o-1", rtc, m));
    s.add(new MediaCommand.Prepare("o-1", rtc, CallDirection.OUTBOUND,
        new MediaCommand.BrowserOffer("v=0\r\n", ref.narrow())));
    s.add(new MediaCommand.Start("o-1", rtc, m, new MediaCommand.BrowserOffer("v=0\r\n",
        ref.narrow())));
    s.add(new MediaCommand.SetDirection("o-1", SdpDirection.INACTIVE));
    s.add(new MediaCommand.SendDtmf("o-1", "12#", 100));
    s.add(new MediaCommand.Reanchor("o-1", rtc, m, SdpDirection.SENDRECV));
    s.add(new MediaCommand.Stop("o-1"));
    s.add(new MediaCommand.Ringback("i-1", m));
    s.add(new MediaCommand.AddParty("o-1", 2, m));
    s.add(new MediaCommand.RemoveParty("o-1", 2));
    s.add(new ClientNotification.PartyInvited("alice", "o-1", 2, "sip:bob@pbx"));
    s.add(new ClientNotification.PartyJoined("alice", "o-1", 2, "sip:bob@pbx"));
    s.add(new ClientNotification.PartyLeft("alice", "o-1", 2, "sip:bob@pbx", 200));
    s.add(new PushCommand.Notify("i-1", "sip:b@pbx", "alice", at, 2, ref.narrow()));
    s.add(new ClientNotification.IncomingCall("alice", "i-1", p, "room"));
    s.add(new ClientNotification.IncomingCall("alice", "i-1", p, "room", "127.0.0.1:7072"));
    s.add(new ClientNotification.RtcMoved("alice", "o-1", "127.0.0.1:7072", false));
    s.add(new ClientNotification.RtcMoved("alice", "o-1", null, true));
    s.add(new MediaCommand.BrowserReoffer("o-1", rtc.asBrowser(),
        new MediaCommand.BrowserOffer("v=0\r\n", ref.narrow())));
    s.add(new ClientNotification.Ringing("alice", "o-1", true));
    s.add(new ClientNotification.Answered("alice", "o-1"));
    s.add(new ClientNotification.Held("alice", "o-1", HoldSide.SIP));
    s.add(new ClientNotification.Resumed("alice", "o-1", HoldSide.RTC));
    s.add(new ClientNotification.DtmfReceived("alice", "o-1", "5"));
    s.add(new ClientNotification.Transferred("alice", "o-1", "sip:carol@pbx"));
    s.add(new ClientNotification.TransferFailed("alice", "o-1", 486));
    s.add(new ClientNotification.Ended("alice", "o-1", EndCause.NO_ANSWER, 408));
    s.add(new ClientNotification.OfflineCallNotice("alice", "i-1", p, at));
    s.add(new ClientNotification.SessionReplaced("alice", "node", "c1", "elsewhere"));
    s.add(new SipRegistrationCommand.Bind("alice"));
    s.add(new SipRegistrationCommand.Unbind("alice"));
    s.add(new UserCommand.Login("node", "c1", ref.narrow()));
    s.add(new UserCommand.Logout("c1", ref.narrow()));
    s.add(new UserCommand.ConnectionLost("c1"));
    s.add(new UserCommand.Register(true, ref.narrow()));
    s.add(new UserCommand.CallStarted("o-1"));
    s.add(new UserCommand.CallEnded("o-1"));
    s.add(new UserCommand.RouteInboundCall("i-1", p, ref.narrow()));
    s.add(new UserCommand.GetPresence(ref.narrow()));
    s.add(new UserCommand.AdmitCall("o-1", ref.narrow()));
    s.add(new UserCommand.AdmitParty("o-1", 2, 1, ref.narrow()));
    s.add(new UserCommand.CallChecked("o-1", "Ended"));
    s.add(new UserEvent.CallAdmitted("o-1", at));
    s.add(new UserEvent.PartyAdmitted("o-1", 2, at));
    s.add(new UserState.Online("node", "c1", false, List.of("o-1"), at,
        new UserState.PlacedCalls(List.of(new UserState.Placed("o-1", at)), List.of(at))));
    s.add(new CallCommand.PlacementAllowed("alice"));
    s.add(new CallCommand.PlacementRefused("alice", "too-many-calls", "2 calls going on"));
    s.add(new CallCommand.PartyAllowed(2, 1));
    s.add(new CallCommand.PartyRefused(2, 1, "call-rate-exceeded", "3 calls started"));
    s.add(new CallEvent.CallReferRefused("sip:x@evil", "sip:b@pbx", d, at));
    s.add(new UserEvent.LoggedIn("node", "c2", "c1", List.of("i-1"), at));
    s.add(new UserEvent.LoggedOut("c2", "logout", at));
    s.add(new UserEvent.SipRegistrationChanged(true, at));
    s.add(new UserEvent.CallJoined("o-1", at));
    s.add(new UserEvent.CallParked("i-1", at));
    s.add(new UserEvent.CallLeft("i-1", at));
    s.add(new UserReply.Accepted("alice"));
    s.add(new UserReply.Rejected("alice", "no"));
    s.add(new Presence("alice", true, "node", "c1", true, List.of("o-1"), List.of(), at));
    s.add(new CallReply.Accepted("o-1"));
    s.add(new CallReply.Accepted("o-1", "v=0\r\n"));
    s.add(new CallReply.Accepted("o-1", null, "127.0.0.1:7072"));
    s.add(new CallCommand.Reoffer("alice", "v=0\r\n", ref.narrow()));
    s.add(new CallCommand.PlaceCall("alice", "room", "+4930123456", "v=0\r\n", ref.narrow()));
    s.add(new CallCommand.Answer("alice", "v=0\r\n", ref.narrow()));
    s.add(new CallCommand.RtcMediaFailed("DTLS handshake failed"));
    s.add(new CallReply.Rejected("o-1", "no"));
    s.add(new CallReply.Rejected("o-1", "forbidden-destination", "no"));
    s.add(new CallCommand.GetCall(ref.narrow()));
    s.add(new CallEvent.CallEnded(EndCause.BUSY, 486, "busy", at));
    for (Object o : new ArrayList<>(s)) {
      if (o instanceof ClientNotification n) {
        s.add(new Wrapped(n));
      }
    }
    return s;
  }

  @Test
  void everyMessageRoundTripsThroughCbor() throws Exception {
    Serialization serialization = SerializationExtension.get(TEST_KIT.system().classicSystem());
    for (Object message : samples()) {
      var serializer = serialization.findSerializerFor(message);
      assertTrue(serializer instanceof JacksonCborSerializer,
          message.getClass().getName() + " is serialized by " + serializer.getClass().getName());
      byte[] bytes = serialization.serialize(message).get();
      String manifest = Serializers.manifestFor(serializer, message);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(message, back);
    }
  }

  @Test
  void everyPortAndUserMessageTypeHasASample() {
    Set<Class<?>> sampled = new HashSet<>();
    samples().forEach(m -> sampled.add(m.getClass()));
    for (Class<?> root : List.of(SipLegCommand.class, MediaCommand.class, PushCommand.class,
        ClientNotification.class, SipRegistrationCommand.class, UserCommand.class,
        UserEvent.class, UserReply.class, CallReply.class)) {
      for (Class<?> leaf : root.getPermittedSubclasses()) {
        assertTrue(sampled.contains(leaf), leaf.getName() + " has no sample");
      }
    }
  }

  /**
   * Events journaled before browser legs existed lack their flags: they read back as calls
   * without a browser (which re-anchor on recovery, as they did when written).
   */
  @Test
  void eventsWithoutTheBrowserFlagsReadAsNoBrowser() throws Exception {
    ObjectMapper cbor = JacksonObjectMapperProvider.get(TEST_KIT.system())
        .getOrCreate("jackson-cbor", Optional.empty());
    ObjectNode leg = cbor.valueToTree(new RtcLeg("room", "alice", true));
    leg.remove("browser");
    assertEquals(new RtcLeg("room", "alice", false),
        cbor.readValue(cbor.writeValueAsBytes(leg), RtcLeg.class));

    Instant at = Instant.parse("2026-11-24T10:00:00Z");
    SipDialog d = new SipDialog("c@h", "lt", "rt", "sip:a@gw", "sip:b@pbx", "sip:b@1.2.3.4",
        List.of(), 3, 4);
    ObjectNode answered = cbor.valueToTree(
        new CallEvent.CallAnswered(d, NegotiatedMedia.pcma(), at, true));
    answered.remove("browserAnswered");
    assertEquals(new CallEvent.CallAnswered(d, NegotiatedMedia.pcma(), at, false),
        cbor.readValue(cbor.writeValueAsBytes(answered), CallEvent.CallAnswered.class));
  }

  /** Transfer events written before attended transfers read back as blind transfers. */
  @Test
  void transferEventsWithoutReplacesReadAsBlind() throws Exception {
    ObjectMapper cbor = JacksonObjectMapperProvider.get(TEST_KIT.system())
        .getOrCreate("jackson-cbor", Optional.empty());
    Instant at = Instant.parse("2026-11-24T10:00:00Z");
    SipDialog d = new SipDialog("c@h", "lt", "rt", "sip:a@gw", "sip:b@pbx", "sip:b@1.2.3.4",
        List.of(), 3, 4);
    Replaces r = new Replaces("x@h", "tt", "ft", false);
    ObjectNode requested = cbor.valueToTree(
        new CallEvent.CallTransferRequested("sip:c@pbx", d, at, r));
    requested.remove("replaces");
    assertEquals(new CallEvent.CallTransferRequested("sip:c@pbx", d, at),
        cbor.readValue(cbor.writeValueAsBytes(requested), CallEvent.CallTransferRequested.class));
    ObjectNode referred = cbor.valueToTree(
        new CallEvent.CallReferred("sip:c@pbx", "sip:b@pbx", d, d, at, r));
    referred.remove("replaces");
    assertEquals(new CallEvent.CallReferred("sip:c@pbx", "sip:b@pbx", d, d, at),
        cbor.readValue(cbor.writeValueAsBytes(referred), CallEvent.CallReferred.class));
  }

  /** A call parked before pushes existed reads back as parked without a push. */
  @Test
  void aParkedEventWithoutThePushFlagReadsAsNoPush() throws Exception {
    ObjectMapper cbor = JacksonObjectMapperProvider.get(TEST_KIT.system())
        .getOrCreate("jackson-cbor", Optional.empty());
    Instant at = Instant.parse("2026-11-24T10:00:00Z");
    ObjectNode parked = cbor.valueToTree(new CallEvent.CallParked(at.plusSeconds(120), at, true));
    parked.remove("push");
    assertEquals(new CallEvent.CallParked(at.plusSeconds(120), at, false),
        cbor.readValue(cbor.writeValueAsBytes(parked), CallEvent.CallParked.class));
  }
}
