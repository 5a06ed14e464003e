package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.Party;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.SipLegCommand;
import io.rtc2sip.actors.port.SipRegistrationCommand;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.testkit.Until;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over TLS against a real Kamailio with its TLS module: the gateway registers a user over
 * TLS and is called over TLS at the Contact it registered; it calls out over TLS through
 * Kamailio as outbound proxy; a server whose certificate is not trusted, or not made out to the
 * host we connect to, is refused and the call fails at once.
 */
class SipTlsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir static Path dir;
  private static TestCertificates gateway;
  private static TestCertificates kamailioPair;
  private static TestCertificates stranger;
  private static Kamailio kamailio;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestCertificates.make(dir, "gateway", "IP:127.0.0.1");
    kamailioPair = TestCertificates.make(dir, "kamailio", "IP:127.0.0.1,DNS:localhost");
    stranger = TestCertificates.make(dir, "stranger", "IP:127.0.0.1");
    kamailio = Kamailio.startTls(kamailioPair.certificate(), kamailioPair.key());
  }

  @AfterAll
  static void stop() throws Exception {
    if (kamailio != null) {
      kamailio.close();
    }
    KIT.shutdownTestKit();
  }

  private static SipTls tls(int port, Path trust) throws Exception {
    return new SipTls(true, port, Optional.of(trust), true, gateway.keyManagers());
  }

  private static String kamailioLog() {
    try {
      return kamailio.log();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String kamailioTls() {
    return "sip:127.0.0.1:" + kamailio.tlsPort + ";transport=tls";
  }

  private static <T> T next(TestProbe<ShardingEnvelope<CallCommand>> calls, Class<T> type) {
    while (true) {
      CallCommand c = calls.receiveMessage(WAIT).message();
      if (!(c instanceof CallCommand.SipProvisional)) {
        return assertInstanceOf(type, c, () -> "got " + c);
      }
    }
  }

  @Test
  void aUserRegistersOverTlsAndIsCalledOverTlsAtItsContact() throws Exception {
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    int port = Sipp.freeUdpPort();
    int tlsPort = Sipp.freeUdpPort();
    SipSettings settings = new SipSettings("127.0.0.1", port, List.of("udp"), "", "", "",
        "rtc2sip-test", kamailioTls(), 60,
        Map.of("alice", new SipSettings.Account("alice", "alice123")), 1800, 0, 5)
        .withTls(tls(tlsPort, kamailioPair.certificate()));
    SipAdapter adapter = SipAdapter.start(KIT.system(), settings,
        EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
        CallQuery.ofStates(id -> "Active"));
    try (java.net.Socket silent = new java.net.Socket("127.0.0.1", tlsPort);
        java.net.Socket plain = new java.net.Socket("127.0.0.1", tlsPort)) {
      // a connection that never shakes hands holds nothing up; clear text is not taken as SIP
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write(("OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP"
          + " 127.0.0.1:1;branch=z9hG4bKx\r\nContent-Length: 0\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] reply = plain.getInputStream().readNBytes(64);
      assertTrue(!new String(reply, java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("SIP/2.0"), "no SIP answer in clear on the TLS port");
      adapter.registrations().tell(new SipRegistrationCommand.Bind("alice"));
      Until.until(WAIT, () -> "REGISTERED".equals(adapter.registrationState("alice")),
          () -> "alice registered over TLS, is " + adapter.registrationState("alice")
              + "; Kamailio: " + kamailioLog());
      try (Sipp caller = Sipp.uac("uac_call_pcap", kamailio.port, "alice", 1000)) {
        ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
        CallCommand.SipInviteReceived invite =
            assertInstanceOf(CallCommand.SipInviteReceived.class, e.message());
        assertEquals("alice", invite.calleeUid());
        assertTrue(invite.dialog().routeSet().get(0).contains("transport=tls"),
            "Kamailio's route towards us is TLS: " + invite.dialog().routeSet());
        adapter.port().tell(new SipLegCommand.Accept(e.entityId(), invite.dialog(),
            invite.offer()));
        assertInstanceOf(CallCommand.SipByeReceived.class,
            calls.receiveMessage(Duration.ofSeconds(20)).message());
        assertEquals(0, caller.await(30), caller.where());
        assertTrue(caller.messages().contains(
            "Contact: <sip:alice@127.0.0.1:" + tlsPort + ";transport=tls>"),
            "our Contact is our TLS port: " + caller.where());
      }
      assertTrue(kamailio.log().contains("transport=tls"), "Kamailio saved a TLS contact");
      silent.setSoTimeout(15_000);
      // closed (after at most a TLS alert) well before the read times out
      byte[] last = silent.getInputStream().readAllBytes();
      assertTrue(last.length < 64, "a connection that never shook hands is closed (handshake"
          + " timeout 5 s), with " + last.length + " bytes");
    } finally {
      adapter.close();
    }
  }

  private SipAdapter outboundThroughKamailio(TestProbe<ShardingEnvelope<CallCommand>> calls,
      Path trust) throws Exception {
    SipSettings settings = SipSettings.of("127.0.0.1", Sipp.freeUdpPort(), kamailioTls(), "", "")
        .withTls(tls(Sipp.freeUdpPort(), trust));
    return SipAdapter.start(KIT.system(), settings, EntityMessenger.envelopes(calls.ref()),
        new TestMediaEndpoints(), CallQuery.ofStates(id -> "Active"));
  }

  private static SipDialog invite(SipAdapter adapter, String callId, String target) {
    SipDialog dialog = SipDialog.outgoing(CallIds.sipCallIdFor(callId),
        CallIds.localTagFor(callId, 1), "sip:bob@127.0.0.1", target);
    adapter.port().tell(new SipLegCommand.Invite(callId, dialog, Party.rtc("bob"),
        Party.sip(dialog.remoteUri())));
    return dialog;
  }

  @Test
  void anOutboundCallGoesOverTlsThroughTheProxy() throws Exception {
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    SipAdapter adapter = outboundThroughKamailio(calls, kamailioPair.certificate());
    try (Sipp uas = Sipp.uas("uas_answer", 60000)) {
      String callId = CallIds.newOutbound();
      SipDialog dialog = invite(adapter, callId, "sip:uas@127.0.0.1:" + uas.port);
      CallCommand.SipAnswered answered = next(calls, CallCommand.SipAnswered.class);
      assertTrue(answered.routeSet().get(0).contains("transport=tls"), answered.routeSet()
          .toString());
      adapter.port().tell(new SipLegCommand.Bye(callId, dialog.established(answered.remoteTag(),
          answered.remoteTarget(), answered.routeSet()).nextLocalCseq(),
          EndCause.LOCAL_HANGUP));
      uas.assertByeAnswered();
      assertTrue(uas.messages().contains("Via: SIP/2.0/TLS 127.0.0.1:"),
          "our Via (under Kamailio's) names TLS: " + uas.where());
    } finally {
      adapter.close();
    }
  }

  @Test
  void aServerWhoseCertificateIsNotTrustedIsRefusedAndTheCallFails() throws Exception {
    NodeMetrics.SipAccess counters = NodeMetrics.get(KIT.system()).sipAccess();
    double before = counters.tlsServerRefused.get();
    TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
    SipAdapter adapter = outboundThroughKamailio(calls, stranger.certificate());
    try {
      String callId = CallIds.newOutbound();
      invite(adapter, callId, "sip:uas@127.0.0.1:" + Sipp.freeUdpPort());
      ShardingEnvelope<CallCommand> e = calls.receiveMessage(WAIT);
      assertEquals(callId, e.entityId());
      CallCommand.SipFailed failed = assertInstanceOf(CallCommand.SipFailed.class, e.message());
      assertEquals(503, failed.status());
      assertTrue(failed.reason().contains("certification path"), failed.reason());
      assertEquals(before + 1, counters.tlsServerRefused.get());
    } finally {
      adapter.close();
    }
  }

  @Test
  void aTrustedCertificateMadeOutToAnotherHostIsRefused() throws Exception {
    TestCertificates elsewhere = TestCertificates.make(dir, "elsewhere", "DNS:elsewhere.example");
    try (Kamailio other = Kamailio.startTls(elsewhere.certificate(), elsewhere.key())) {
      TestProbe<ShardingEnvelope<CallCommand>> calls = KIT.createTestProbe();
      SipSettings settings = SipSettings.of("127.0.0.1", Sipp.freeUdpPort(),
          "sip:127.0.0.1:" + other.tlsPort + ";transport=tls", "", "")
          .withTls(tls(Sipp.freeUdpPort(), elsewhere.certificate()));
      SipAdapter adapter = SipAdapter.start(KIT.system(), settings,
          EntityMessenger.envelopes(calls.ref()), new TestMediaEndpoints(),
          CallQuery.ofStates(id -> "Active"));
      try {
        String callId = CallIds.newOutbound();
        invite(adapter, callId, "sip:uas@127.0.0.1:" + Sipp.freeUdpPort());
        CallCommand.SipFailed failed = next(calls, CallCommand.SipFailed.class);
        assertEquals(503, failed.status());
        assertTrue(failed.reason().contains("127.0.0.1"), "the host is named: " + failed.reason());
      } finally {
        adapter.close();
      }
    }
  }
}
