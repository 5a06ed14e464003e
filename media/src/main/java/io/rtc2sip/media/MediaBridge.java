package io.rtc2sip.media;

import io.rtc2sip.actors.EntityMessenger;
import io.rtc2sip.actors.Mdc;
import io.rtc2sip.actors.Supervised;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.dialplan.DialPlan;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.RtcLeg;
import io.rtc2sip.actors.port.MediaCommand;
import io.rtc2sip.actors.port.MediaEndpoints;
import io.rtc2sip.actors.port.SdesCrypto;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.actors.rtc.RtcAudio;
import io.rtc2sip.actors.rtc.RtcLegs;
import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.actors.call.CallReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import io.rtc2sip.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The media bridge of a node: the port calls send {@link MediaCommand}s to, and the {@link
 * MediaEndpoints} the SIP adapter reserves and describes RTP addresses (and SDES keys) with.
 * Each call's media ({@link CallMedia}) lives here while the call runs on this node; audio moves
 * between the socket thread, the media clock and the RTC leg and never through an actor. What the
 * call must know (media started, timeout, DTMF, RTC user left) goes to its entity by id.
 */
public final class MediaBridge implements MediaEndpoints, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaBridge.class);

  private final MediaSettings settings;
  private final EntityMessenger<CallCommand> calls;
  private final RtcLegs rtcLegs;
  private final WebRtcLegs browsers;
  private final RtpPorts ports;
  private final MediaIo io;
  private final MediaClock clock;
  /**
   * The media legs by key: a call's own under its id, its added parties' right after it
   * ({@code call/n}), so that a call's legs are one range ({@link #legsOf}).
   */
  private final ConcurrentSkipListMap<String, CallMedia> media = new ConcurrentSkipListMap<>();
  private final CallMedia.Facts facts;
  /** What an added conference party's media tells: its DTMF stays its own (not the call's). */
  private final CallMedia.Facts partyFacts;
  /** The calls on this node that became conferences: their mixing bus, by call id. */
  private final Map<String, ConferenceBus> conferences = new ConcurrentHashMap<>();
  private final LatencyHistogram queueing = new LatencyHistogram();
  private final NodeMetrics.Media metrics;
  /** Where the calls' SDES keys come from. */
  private final SecureRandom random = new SecureRandom();
  private ActorRef<Object> actor;
  private AutoCloseable counted = () -> { };
  private static final Object STOP = new Object();

  private MediaBridge(MediaSettings settings, EntityMessenger<CallCommand> calls, RtcLegs rtcLegs,
      WebRtcLegs browsers, NodeMetrics.Media metrics) throws IOException {
    this.metrics = metrics;
    this.settings = settings;
    this.calls = calls;
    this.rtcLegs = rtcLegs;
    this.browsers = browsers;
    this.ports = new RtpPorts(settings.host(), settings.portMin(), settings.portMax());
    this.io = new MediaIo(System::nanoTime);
    this.clock = new MediaClock(settings.clockThreads());
    this.facts = new CallMedia.Facts() {
      @Override
      public void mediaStarted(String callId) {
        calls.tell(callId, CallCommand.MediaStarted.INSTANCE);
      }

      @Override
      public void mediaTimeout(String callId) {
        calls.tell(callId, CallCommand.MediaTimeout.INSTANCE);
      }

      @Override
      public void dtmf(String callId, char digit) {
        calls.tell(callId, new CallCommand.MediaDtmfReceived(String.valueOf(digit), 100));
      }
    };
    this.partyFacts = new CallMedia.Facts() {
      @Override
      public void mediaStarted(String callId) {
        facts.mediaStarted(callId);
      }

      @Override
      public void mediaTimeout(String callId) {
        facts.mediaTimeout(callId);
      }

      @Override
      public void dtmf(String callId, char digit) {
        logForCall(callId, "DTMF {} of an added conference party: not passed on", digit);
      }
    };
  }

  /** Starts the bridge (without browser legs) and its port actor on {@code system}. */
  public static MediaBridge start(
      ActorSystem<?> system, MediaSettings settings, EntityMessenger<CallCommand> calls,
      RtcLegs rtcLegs) throws IOException {
    return start(system, settings, calls, rtcLegs, WebRtcLegs.NONE);
  }

  /**
   * Starts the bridge and its port actor on {@code system}: calls join {@code rtcLegs}' channels,
   * or, when their user brings a WebRTC offer, get a leg of {@code browsers}.
   */
  public static MediaBridge start(
      ActorSystem<?> system, MediaSettings settings, EntityMessenger<CallCommand> calls,
      RtcLegs rtcLegs, WebRtcLegs browsers) throws IOException {
    NodeMetrics nodeMetrics = NodeMetrics.get(system);
    MediaBridge bridge = new MediaBridge(settings, calls, rtcLegs, browsers, nodeMetrics.media());
    bridge.counted = nodeMetrics.media().bridge(bridge::droppedPackets, bridge::lateTicks,
        bridge.ports::inUse);
    Behavior<Object> behavior =
        Supervised.adapter("media-bridge", nodeMetrics, bridge.behavior(), Object.class, false);
    bridge.actor = system.systemActorOf(behavior, "media-bridge", Props.empty());
    log.info("media bridge: RTP on {} ports {}-{}, media clock on {} thread(s)", settings.host(),
        settings.portMin(), settings.portMax(), settings.clockThreads());
    return bridge;
  }

  /** The port of the calls on this node. */
  public ActorRef<MediaCommand> port() {
    return actor.narrow();
  }

  /** Calls with media on this node. */
  public int activeCalls() {
    return (int) media.keySet().stream().filter(k -> CallIds.partyOfLeg(k) == 0).count();
  }

  /** RTP and RTCP ports in use (two per leg: a call's own and each added conference party's). */
  int portsInUse() {
    return ports.inUse();
  }

  /** Media clock ticks that started late (an overloaded node). */
  public long lateTicks() {
    return clock.lateTicks();
  }

  /**
   * Time received RTP packets wait between arrival on the socket and the media clock tick that
   * takes them into the codec chain (the gateway's own delay before the jitter buffer).
   */
  public LatencyHistogram queueing() {
    return queueing;
  }

  /** Received RTP packets dropped inside the gateway because a call's ring was full. */
  public long droppedPackets() {
    return media.values().stream().mapToLong(CallMedia::droppedInGateway).sum();
  }

  private Behavior<Object> behavior() {
    return Behaviors.receive(Object.class)
        .onMessageEquals(STOP, Behaviors::stopped)
        .onMessage(MediaCommand.class, command -> {
          MDC.put("callId", command.callId());
          try {
            handle(command);
          } finally {
            MDC.remove("callId");
          }
          return Behaviors.same();
        })
        .build();
  }

  private void handle(MediaCommand command) {
    String callId = command.callId();
    if (command instanceof MediaCommand.Stop) {
      release(callId);
      return;
    }
    if (command instanceof MediaCommand.RemoveParty r) {
      removeParty(callId, r.party());
      return;
    }
    CallMedia m = ensure(callId).orElse(null);
    if (m == null) {
      log.error("{}: no free RTP port in {}-{}", command.getClass().getSimpleName(),
          settings.portMin(), settings.portMax());
      MediaCommand.BrowserOffer browser = command instanceof MediaCommand.Prepare p ? p.browser()
          : command instanceof MediaCommand.Start s ? s.browser()
          : command instanceof MediaCommand.BrowserReoffer r ? r.browser() : null;
      if (browser != null) {
        browser.replyTo().tell(new CallReply.Rejected(callId, "no free RTP port on the gateway"));
        calls.tell(callId, new CallCommand.RtcMediaFailed("no free RTP port"));
      }
      return;
    }
    if (command instanceof MediaCommand.Prepare p) {
      joinRtc(m, p.rtc(), p.browser());
    } else if (command instanceof MediaCommand.Start s) {
      joinRtc(m, s.rtc(), s.browser());
      m.start(s.media());
    } else if (command instanceof MediaCommand.Ringback r) {
      m.ringback(r.media());
    } else if (command instanceof MediaCommand.SetDirection d) {
      legsOf(callId).forEach(leg -> leg.direction(d.direction()));
    } else if (command instanceof MediaCommand.SendDtmf d) {
      legsOf(callId).forEach(leg -> leg.sendDigits(d.digits()));
    } else if (command instanceof MediaCommand.Reanchor r) {
      log.info("re-anchoring media on this node at {}", m.localRtp());
      joinRtc(m, r.rtc(), null);
      m.direction(r.direction());
      m.start(r.media());
    } else if (command instanceof MediaCommand.BrowserReoffer r) {
      log.info("a new WebRTC offer from the browser of {}: a new leg on this node", r.rtc().uid());
      answerBrowser(m, r.rtc(), r.browser());
    } else if (command instanceof MediaCommand.AddParty a) {
      addParty(m, a.party(), a.media());
    }
  }

  private final Map<String, RtcLeg> joined = new ConcurrentHashMap<>();

  /**
   * Gives the call its RTC leg: a WebRTC leg answering {@code browser}'s offer (which replaces
   * whatever the call had), else the RTC network's channel unless it is joined already.
   */
  private void joinRtc(CallMedia m, RtcLeg leg, MediaCommand.BrowserOffer browser) {
    if (browser != null) {
      answerBrowser(m, leg, browser);
      return;
    }
    if (leg.equals(joined.get(m.callId))) {
      return;
    }
    if (leg.browser()) {
      // a browser's leg is made from its offer only; this one failed to be made (the call was
      // told), and the RTC network's channel of the same name is nobody's
      logForCall(m.callId, "no WebRTC leg for {}: the call has no RTC audio", leg.uid());
      return;
    }
    joined.put(m.callId, leg);
    RtcAudio audio = rtcLegs.join(m.callId, leg,
        () -> calls.tell(m.callId, new CallCommand.RtcPeerLeft(leg.uid())));
    if (audio != null) {
      userAudio(m, audio);
    }
  }

  private void answerBrowser(CallMedia m, RtcLeg leg, MediaCommand.BrowserOffer browser) {
    String callId = m.callId;
    WebRtcLegs.Answered answered;
    try {
      answered = browsers.answer(callId, browser.sdp(), new WebRtcLegs.Listener() {
        @Override
        public void left(String reason) {
          logForCall(callId, "the browser of {} left: {}", leg.uid(), reason);
          calls.tell(callId, new CallCommand.RtcPeerLeft(leg.uid()));
        }

        @Override
        public void failed(String reason) {
          calls.tell(callId, new CallCommand.RtcMediaFailed(reason));
        }
      });
    } catch (RuntimeException e) { // a bad offer, no port or thread left, a library's failure
      Mdc.runWithCall(callId,
          () -> log.warn("WebRTC offer of {} not answered: {}", leg.uid(), e.toString()));
      browser.replyTo().tell(new CallReply.Rejected(callId, "WebRTC: " + e.getMessage()));
      calls.tell(callId, new CallCommand.RtcMediaFailed(e.getMessage()));
      return;
    }
    joined.put(callId, leg); // later Starts keep this leg
    userAudio(m, answered.audio());
    browser.replyTo().tell(new CallReply.Accepted(callId, answered.sdp()));
  }

  /**
   * The RTC user's audio of the call of {@code m}: its own SIP leg's, or, in a conference, the
   * bus's (the old one is closed either way).
   */
  private void userAudio(CallMedia m, RtcAudio audio) {
    ConferenceBus bus = conferences.get(m.callId);
    if (bus == null) {
      m.rtc(audio);
      return;
    }
    RtcAudio old = bus.user();
    bus.attachUser(audio);
    if (old != null && old != audio) {
      old.close();
    }
  }

  /**
   * A conference party joined (or is offered again after a failover): its own media (reserved
   * when the SIP adapter made its offer) talks to a port of the call's bus. The call's first party
   * makes the call a conference: its own SIP leg gets a port and the RTC user's leg moves to the
   * bus.
   */
  private void addParty(CallMedia own, int party, NegotiatedMedia negotiated) {
    String callId = own.callId;
    ConferenceBus bus = conferences.get(callId);
    if (bus == null) {
      // the user, the call's own SIP party and the most parties a dial plan lets it add
      bus = new ConferenceBus(DialPlan.MAX_CONFERENCE_PARTIES + 2);
      RtcAudio user = own.swapRtc(bus.join());
      if (user != null) {
        bus.attachUser(user);
      }
      conferences.put(callId, bus);
      clock.addMixer(callId, bus::mix);
      logForCall(callId, "call {} is a conference: its legs are mixed", callId);
    }
    CallMedia leg = ensure(CallIds.partyLeg(callId, party)).orElse(null);
    if (leg == null) {
      log.error("party {}: no free RTP port in {}-{}; it is not heard", party,
          settings.portMin(), settings.portMax());
      return;
    }
    if (leg.hasRtc()) {
      leg.start(negotiated); // offered again: the same leg, in the mix already
      return;
    }
    try {
      leg.rtc(bus.join());
    } catch (IllegalStateException full) {
      log.warn("party {} not mixed: {}", party, full.getMessage());
      return;
    }
    leg.start(negotiated);
    logForCall(callId, "party {} mixed from RTP port {}", party, leg.localRtp().getPort());
  }

  /**
   * A party left: an added party's media stops and its port is free; the call's own SIP leg
   * (no media of that party number here) leaves the mix but stays the call's until it ends.
   */
  private void removeParty(String callId, int party) {
    String key = CallIds.partyLeg(callId, party);
    if (media.containsKey(key)) {
      release(key);
      return;
    }
    CallMedia own = media.get(callId);
    if (own != null && conferences.containsKey(callId)) {
      own.leave();
      logForCall(callId, "party {} (the call's own SIP leg) left the mix", party);
    }
  }

  /**
   * The call's media legs on this node: its own and its added parties' (those invited too: they
   * have a port from the offer the SIP adapter made).
   */
  private List<CallMedia> legsOf(String callId) {
    List<CallMedia> legs = new ArrayList<>();
    CallMedia own = media.get(callId);
    if (own != null) {
      legs.add(own);
    }
    // "call/" up to "call0": '0' follows '/', so the range holds exactly call/<n>
    legs.addAll(media.subMap(callId + "/", callId + "0").values());
    return legs;
  }

  private Optional<CallMedia> ensure(String callId) {
    CallMedia existing = media.get(callId);
    if (existing != null) {
      return Optional.of(existing);
    }
    synchronized (media) {
      existing = media.get(callId);
      if (existing != null) {
        return Optional.of(existing);
      }
      Optional<RtpPorts.Pair> pair = ports.allocate();
      if (pair.isEmpty()) {
        return Optional.empty();
      }
      CallMedia m = new CallMedia(callId, pair.get(), settings,
          CallIds.partyOfLeg(callId) == 0 ? facts : partyFacts, queueing, metrics, random);
      io.register(pair.get().rtp(), m::rtpReceived);
      io.register(pair.get().rtcp(), m::rtcpReceived);
      clock.add(m);
      media.put(callId, m);
      logForCall(callId, "RTP for call {} on {}", callId, m.localRtp());
      return Optional.of(m);
    }
  }

  // ---------------------------------------------------------------- MediaEndpoints

  @Override
  public Optional<InetSocketAddress> localRtp(String callId) {
    return ensure(callId).map(CallMedia::localRtp);
  }

  @Override
  public Optional<SdesKey> localSdesKey(String callId) {
    return ensure(callId).map(CallMedia::localSdesKey);
  }

  @Override
  public void remoteDescribed(String callId, InetSocketAddress remoteRtp, NegotiatedMedia m,
      Optional<SdesCrypto> srtp) {
    ensure(callId).ifPresent(c -> c.describe(remoteRtp, m, srtp));
  }

  /**
   * Frees a leg's ports: an added conference party's ({@code CallIds.partyLeg}), or the call's,
   * which ends its media: the call's own leg, its conference's parties, its bus and the RTC
   * user's leg.
   */
  @Override
  public void release(String callId) {
    if (CallIds.partyOfLeg(callId) == 0) {
      for (CallMedia leg : legsOf(callId)) {
        if (!leg.key.equals(callId)) {
          release(leg.key); // an added party's, joined or still invited
        }
      }
      ConferenceBus bus = conferences.remove(callId);
      if (bus != null) {
        clock.removeMixer(callId);
        RtcAudio user = bus.user();
        if (user != null) {
          user.close();
        }
      }
    }
    CallMedia m = media.remove(callId);
    joined.remove(callId);
    if (m != null) {
      clock.remove(m);
      m.close();
      logForCall(callId, "media of call {} stopped; RTP port {} free", callId,
          m.localRtp().getPort());
    }
  }

  /** An INFO line with {@code callId} in the MDC, whichever thread (SIP, actor, shutdown) logs. */
  private static void logForCall(String callId, String format, Object... args) {
    Mdc.runWithCall(callId, () -> log.info(format, args));
  }

  @Override
  public void close() {
    actor.tell(STOP);
    clock.close();
    media.keySet().forEach(this::release);
    io.close();
    try {
      counted.close();
    } catch (Exception e) {
      log.debug("media counters not removed: {}", e.toString());
    }
  }
}
